// Which parts of the configuration name a prompt: a prompt in use must not disappear silently
// (the call would hear silence where the menu should speak). Pure, over a config snapshot.
import { ivrSettings, type HotlineConfig } from '../config/index.ts';

/** Prompt name → JSON pointers of the config fields that play it (defaults included, as the PBX applies them). */
export function promptUsage(config: HotlineConfig): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (name: string, path: string) => {
    const list = uses.get(name);
    if (list) list.push(path);
    else uses.set(name, [path]);
  };
  ivrSettings(config).menus.forEach((m, i) => {
    add(m.prompt, `/ivr/menus/${i}/prompt`);
    add(m.invalidPrompt, `/ivr/menus/${i}/invalidPrompt`);
    add(m.timeoutPrompt, `/ivr/menus/${i}/timeoutPrompt`);
  });
  return uses;
}

/** The menus (by name) that play `name`, for messages. */
export function menusUsing(config: HotlineConfig, name: string): string[] {
  const menus = ivrSettings(config).menus;
  return [...new Set((promptUsage(config).get(name) ?? []).map((p) => menus[Number(p.split('/')[3])]!.name))];
}
