// SPDX-License-Identifier: GPL-2.0
/*
 * kmods_demo - the example fleet's driver: a small but real out-of-tree module.
 *
 * - parameters: greeting (string) and repeat (number), readable in /sys/module/kmods_demo/parameters/
 * - firmware: when the parameter "firmware" names a file, it is requested at load time through
 *   the kernel's firmware loader (firmware_class.path, which the loader points at the copied
 *   firmware); its size is published in the read-only parameter fw_size (-1 when not found)
 * - an exported symbol, kmods_demo_greet(), that kmods_demo_client calls: modprobe loads this
 *   module first because depmod records the dependency
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/firmware.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static char *greeting = "hello";
module_param(greeting, charp, 0444);
MODULE_PARM_DESC(greeting, "the greeting kmods_demo_greet() logs");

static int repeat = 1;
module_param(repeat, int, 0444);
MODULE_PARM_DESC(repeat, "how many times each greeting is logged (1-5)");

static char *firmware;
module_param(firmware, charp, 0444);
MODULE_PARM_DESC(firmware, "firmware file to request at load time");

static int fw_size = -1;
module_param(fw_size, int, 0444);
MODULE_PARM_DESC(fw_size, "size in bytes of the firmware found at load time, -1 when none");

static atomic_t greeted = ATOMIC_INIT(0);

/* Logs the greeting for @who and returns how many greetings were made so far. */
int kmods_demo_greet(const char *who)
{
	int i;

	for (i = 0; i < repeat; i++)
		pr_info("kmods_demo: %s, %s\n", greeting, who);
	return atomic_inc_return(&greeted);
}
EXPORT_SYMBOL_GPL(kmods_demo_greet);

static int __init kmods_demo_init(void)
{
	struct device *dev;
	const struct firmware *fw;

	if (repeat < 1 || repeat > 5) {
		pr_err("kmods_demo: repeat must be 1-5, not %d\n", repeat);
		return -EINVAL;
	}
	pr_info("kmods_demo: loaded\n");
	if (!firmware)
		return 0;
	dev = root_device_register("kmods_demo");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (request_firmware(&fw, firmware, dev) == 0) {
		fw_size = fw->size;
		pr_info("kmods_demo: firmware %s, %zu bytes\n", firmware, fw->size);
		release_firmware(fw);
	} else {
		pr_warn("kmods_demo: firmware %s not found\n", firmware);
	}
	root_device_unregister(dev);
	return 0;
}

static void __exit kmods_demo_exit(void)
{
	pr_info("kmods_demo: unloaded\n");
}

module_init(kmods_demo_init);
module_exit(kmods_demo_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("cdk8s-kmods");
MODULE_DESCRIPTION("cdk8s-kmods example module: parameters, firmware, an exported symbol");
MODULE_VERSION("1.0.0");
