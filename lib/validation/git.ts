/**
 * Git URLs and refs as git itself reads them. A URL or ref that git would take as an option
 * (`-…`, `ssh://-oProxyCommand=…` makes ssh run a command) or a ref that
 * `git check-ref-format` rejects is refused, whatever transport later uses it.
 */

/** A host name or IP literal; never starts with '-' (ssh would read it as an option). */
const HOST = /^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9][A-Za-z0-9-]{0,62}(\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){0,126}\.?)$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
/** Path characters: printable ASCII without space, quotes, backslash, `$` and backtick. */
const PATH = /^[\x21\x23\x25-\x26\x28-\x5b\x5d-\x5f\x61-\x7e]*$/;

export const GIT_URL_RULE = 'https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git (no option-like host, user or path)';

/**
 * Why `url` is not a safe git URL, or undefined when it is. `schemes` are the allowed
 * `scheme://` forms; the scp-like `user@host:path` form is always allowed.
 */
export function gitUrlProblem(url: string, schemes: ReadonlyArray<string>): string | undefined {
  if (url.length === 0) return 'the URL is empty';
  if (url.length > 2048) return 'the URL is longer than 2048 characters';
  if (url.startsWith('-')) return 'a URL starting with "-" is read by git as an option';
  if (!PATH.test(url)) return 'the URL contains spaces, quotes, backslashes, "$", backticks or non-ASCII characters';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(url);
  if (scheme) {
    if (!schemes.includes(scheme[1])) return `git URLs here use ${schemes.join(', ')}`;
    const rest = url.slice(scheme[0].length);
    const slash = rest.indexOf('/');
    const authority = slash >= 0 ? rest.slice(0, slash) : rest;
    const at = authority.lastIndexOf('@');
    const userInfo = at >= 0 ? authority.slice(0, at) : undefined;
    const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    const port = /:(\d{1,5})$/.exec(hostPort);
    const host = port ? hostPort.slice(0, port.index) : hostPort;
    if (userInfo !== undefined && !USER.test(userInfo.split(':')[0])) return 'the user name must not start with "-" and may hold letters, digits, ".", "_" and "-"';
    if (!HOST.test(host)) return 'the host must be a host name or IP address (a host starting with "-" is read by ssh as an option)';
    if (slash < 0 || rest.length === slash + 1) return 'the URL names no repository path';
    return undefined;
  }
  const scp = /^([^@/:]+)@([^/:]+):(.+)$/.exec(url);
  if (scp) {
    if (!USER.test(scp[1])) return 'the user name must not start with "-" and may hold letters, digits, ".", "_" and "-"';
    if (!HOST.test(scp[2])) return 'the host must be a host name (a host starting with "-" is read by ssh as an option)';
    if (scp[3].startsWith('-')) return 'a repository path starting with "-" is read as an option';
    return undefined;
  }
  return 'not a URL git can clone';
}

/**
 * Why `ref` is not a ref name `git check-ref-format --allow-onelevel` accepts (or starts with
 * '-', which git commands read as an option), or undefined when it is fine.
 * Rules from git-check-ref-format(1).
 */
export function gitRefProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'the ref is empty';
  if (ref.length > 255) return 'the ref is longer than 255 characters';
  if (ref.startsWith('-')) return 'a ref starting with "-" is read by git as an option';
  if (ref === '@') return 'the ref "@" alone is not allowed';
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'a ref may not contain control characters, spaces or any of ~ ^ : ? * [ \\';
  if (/[^\x21-\x7e]/.test(ref)) return 'a ref may only contain printable ASCII';
  if (ref.includes('..')) return 'a ref may not contain ".."';
  if (ref.includes('@{')) return 'a ref may not contain "@{"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'a ref may not start or end with "/" or contain "//"';
  if (ref.endsWith('.')) return 'a ref may not end with "."';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return 'no part of a ref may start with "."';
    if (part.endsWith('.lock')) return 'no part of a ref may end with ".lock"';
  }
  return undefined;
}

export const GIT_REF_RULE = 'a branch, tag or commit as git check-ref-format accepts it, e.g. main, v1.2.3, refs/tags/v1 or a 40-hex commit';
