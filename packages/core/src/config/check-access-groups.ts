import type { CheckContext } from "./check-agents.js";
import { formatPath } from "./issues.js";

const LIST_KEYS = new Set(["allowFrom", "groupAllowFrom", "users"]);
const PREFIX = /^accessGroup:/i;

/**
 * Warns about `accessGroup:<name>` entries naming a group that `accessGroups` does not define:
 * they expand to no one, which is safe but almost certainly a typo.
 */
export function checkAccessGroups(ctx: CheckContext): void {
  const defined = new Set(Object.keys(ctx.config.accessGroups ?? {}));
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) {
      if (!LIST_KEYS.has(String(path.at(-1)))) return;
      value.forEach((entry, index) => {
        if (typeof entry !== "string" || !PREFIX.test(entry.trim())) return;
        const name = entry.trim().replace(PREFIX, "");
        if (!defined.has(name)) {
          ctx.warnings.push({
            path: formatPath([...path, index]),
            message: `access group "${name}" is not defined in accessGroups, so this entry admits no one`,
          });
        }
      });
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(ctx.config.channels ?? {}, ["channels"]);
}
