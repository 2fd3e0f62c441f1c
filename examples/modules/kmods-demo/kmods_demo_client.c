// SPDX-License-Identifier: GPL-2.0
/*
 * kmods_demo_client - uses kmods_demo_greet(), which kmods_demo exports, so it cannot load
 * without kmods_demo (modinfo shows "depends: kmods_demo"). At load it greets "name" once and
 * publishes the greeting count it got back in the read-only parameter greetings.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

int kmods_demo_greet(const char *who);

static char *name = "client";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "who kmods_demo greets when this module loads");

static int greetings;
module_param(greetings, int, 0444);
MODULE_PARM_DESC(greetings, "the greeting count kmods_demo_greet() returned at load time");

static int __init kmods_demo_client_init(void)
{
	greetings = kmods_demo_greet(name);
	pr_info("kmods_demo_client: loaded, greeting %d\n", greetings);
	return 0;
}

static void __exit kmods_demo_client_exit(void)
{
	pr_info("kmods_demo_client: unloaded\n");
}

module_init(kmods_demo_client_init);
module_exit(kmods_demo_client_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("cdk8s-kmods");
MODULE_DESCRIPTION("cdk8s-kmods example module that depends on kmods_demo");
MODULE_VERSION("1.0.0");
