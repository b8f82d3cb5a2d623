/**
 * Merge fields in playbook text (task titles, emails, Slack messages): `{{account.name}}`,
 * `{{contact.first_name}}`, with an optional fallback `{{contact.first_name | there}}`. Unknown or empty
 * fields render as the fallback (or nothing), never as the raw placeholder a customer would see.
 */
export const mergeFields = [
  'account.name',
  'account.arr',
  'account.plan',
  'account.renewal_date',
  'account.days_to_renewal',
  'account.health_score',
  'account.health_band',
  'account.stage',
  'account.tier',
  'account.url',
  'owner.name',
  'owner.email',
  'contact.name',
  'contact.first_name',
  'contact.email',
  'contact.title',
  'trigger.summary',
  'playbook.name',
] as const
export type MergeField = (typeof mergeFields)[number]
export type MergeContext = Partial<Record<MergeField, string | number | null>>

const placeholder = /\{\{\s*([a-z_]+\.[a-z_]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g

export function renderMergeFields(template: string, context: MergeContext): string {
  return template.replace(placeholder, (_whole, field: string, fallback: string | undefined) => {
    const value = context[field as MergeField]
    if (value === null || value === undefined || value === '') return fallback ?? ''
    return String(value)
  })
}

/** Placeholders naming a field Bosun does not know (shown as validation errors when a playbook is saved). */
export function unknownMergeFields(template: string): string[] {
  const known = new Set<string>(mergeFields)
  return [...template.matchAll(placeholder)].map((match) => match[1]!).filter((field) => !known.has(field))
}
