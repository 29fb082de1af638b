import { MaintenanceError } from '../text.ts';
import { PROBES } from './probes.ts';
import type { TemplateDefinition } from './template-types.ts';

const ID = /^[a-z0-9][a-z0-9-]{0,47}$/;

/**
 * Checks what a JSON schema cannot: ids unique within the template, probes known, limits in
 * the order their direction needs (for `max`, warn below fail). Throws MaintenanceError('invalid').
 */
export function validateTemplate(def: TemplateDefinition): void {
  if (def.sections.length === 0) throw new MaintenanceError('invalid', 'a template needs at least one section', '/sections');
  const seen = new Set<string>();
  const sectionIds = new Set<string>();
  def.sections.forEach((s, si) => {
    if (!ID.test(s.id) || sectionIds.has(s.id)) throw new MaintenanceError('invalid', `section id ${JSON.stringify(s.id)} is not a unique lower-case id`, `/sections/${si}/id`);
    sectionIds.add(s.id);
    s.items.forEach((item, ii) => {
      const at = `/sections/${si}/items/${ii}`;
      if (!ID.test(item.id) || seen.has(item.id)) throw new MaintenanceError('invalid', `item id ${JSON.stringify(item.id)} is not a unique lower-case id`, `${at}/id`);
      seen.add(item.id);
      if (item.kind !== 'automatic') return;
      const probe = PROBES[item.probe];
      if (!probe) throw new MaintenanceError('invalid', `unknown probe ${JSON.stringify(item.probe)}`, `${at}/probe`);
      const t = item.threshold;
      if (!t) return;
      if (!probe.numeric) throw new MaintenanceError('invalid', `probe ${item.probe} reports text and takes no threshold`, `${at}/threshold`);
      if (t.warn !== undefined && t.fail !== undefined && (t.direction === 'max' ? t.warn > t.fail : t.warn < t.fail)) {
        throw new MaintenanceError('invalid', `warn must come before fail (${t.direction === 'max' ? 'warn ≤ fail' : 'warn ≥ fail'})`, `${at}/threshold`);
      }
    });
  });
}

/** Every item of a template in order, with its section. */
export function templateItems(def: TemplateDefinition) {
  return def.sections.flatMap((s) => s.items.map((item) => ({ section: s, item })));
}
