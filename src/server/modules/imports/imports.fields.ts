/**
 * What each import kind can fill in, and the header names that usually mean it — including the
 * column names of Salesforce and HubSpot exports (report exports and API/Data Loader names).
 */
import { contactRoles } from '../contacts'
import { revenueMovementKinds } from '../accounts'
import { outcomeKinds } from '../outcomes'
import { subscriptionStatuses } from '../subscriptions'
import { ticketPriorities, ticketSatisfactions, ticketStatuses } from '../tickets'
import { touchpointKinds } from '../touchpoints'
import type { importKinds } from './imports.tables'

export type ImportKind = (typeof importKinds)[number]

export type FieldType =
  | 'text'
  | 'longText'
  | 'integer'
  | 'number'
  | 'money'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'email'
  | 'domain'
  | 'currency'
  | 'choice'
  | 'choiceList'
  | 'emailList'
  | 'user'

export type FieldSpec = {
  name: string
  label: string
  type: FieldType
  /** Needed in every row. */
  required?: boolean
  /** Needed when the row creates a record (an update may leave it out). */
  requiredOnCreate?: boolean
  description: string
  /** Header names (normalised: lower case, letters and digits only) that mean this field, best first. */
  aliases: string[]
  /** For choice fields: the allowed values and synonyms (normalised word → value). */
  choices?: readonly string[]
  synonyms?: Record<string, string>
  min?: number
  max?: number
  maxLength?: number
  /** Stored in the record's traits under this key instead of a column. */
  trait?: string
}

export type KindSpec = {
  kind: ImportKind
  label: string
  description: string
  fields: FieldSpec[]
  /** Columns may be mapped to custom traits ("trait:nps_score"). */
  traits: boolean
  /** Words CRMs put in front of this kind's field names ("Account Industry"), tried when a header is not known as is. */
  prefixes: string[]
}

const externalIdHelp = 'Id in the source system; a re-import with the same id updates the record instead of adding one'
const accountRefAliases = [
  'accountexternalid', 'accountid', 'companyid', 'organizationid', 'organisationid', 'orgid', 'customerid', 'associatedcompanyid',
  'associatedcompanyids', 'associatedcompanyrecordid', 'accountnumber', 'parentcompanyid', 'companyrecordid', 'account', 'accountname',
]

const accountRef: FieldSpec = {
  name: 'accountExternalId',
  label: 'Account external id',
  type: 'text',
  required: true,
  description: "The account's external id (as in its import); accounts of other workspaces are never matched",
  aliases: accountRefAliases.filter((alias) => alias !== 'accountname' && alias !== 'account' && alias !== 'parentcompanyid'),
  maxLength: 200,
}

const currencyField: FieldSpec = {
  name: 'currency',
  label: 'Currency',
  type: 'currency',
  description: 'ISO code such as USD; also read from amounts written with a symbol ($, €, £)',
  aliases: ['currency', 'currencyisocode', 'currencycode', 'accountcurrency', 'dealcurrencycode'],
}

const accounts: KindSpec = {
  kind: 'accounts',
  label: 'Accounts',
  description: 'Customer companies, upserted by external id (Salesforce Account ID, HubSpot Record ID…)',
  traits: true,
  prefixes: ['account', 'company', 'organization', 'customer', 'billing'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', required: true, description: externalIdHelp, maxLength: 200, aliases: ['externalid', 'accountid', 'recordid', 'companyid', 'id', 'accountexternalid', 'hubspotid', 'salesforceid', 'sfid', 'crmid', 'customerid', 'accountnumber'] },
    { name: 'name', label: 'Name', type: 'text', requiredOnCreate: true, description: 'Company name', maxLength: 300, aliases: ['accountname', 'companyname', 'name', 'company', 'organization', 'organisation', 'customername', 'customer'] },
    { name: 'domain', label: 'Domain', type: 'domain', description: 'Website or domain; stored as the bare domain (acme.com)', aliases: ['domain', 'companydomainname', 'website', 'websiteurl', 'companywebsite', 'url', 'web'] },
    { name: 'owner', label: 'Owner (CSM)', type: 'user', description: "The owning CSM: a user's email or full name", aliases: ['owneremail', 'accountowner', 'companyowner', 'owner', 'csm', 'csmemail', 'customersuccessmanager', 'accountownername', 'hubspotowner', 'ownername'] },
    { name: 'plan', label: 'Plan', type: 'text', description: 'Plan or tier', maxLength: 100, aliases: ['plan', 'tier', 'edition', 'producttier', 'subscriptionplan', 'pricingplan', 'customertier'] },
    { name: 'industry', label: 'Industry', type: 'text', description: 'Industry', maxLength: 100, aliases: ['industry', 'sector', 'vertical'] },
    { name: 'employees', label: 'Employees', type: 'integer', min: 0, max: 10_000_000, description: 'Number of employees', aliases: ['employees', 'numberofemployees', 'employeecount', 'headcount', 'companysize', 'noofemployees'] },
    { name: 'country', label: 'Country', type: 'text', description: 'Country', maxLength: 100, aliases: ['country', 'billingcountry', 'countryregion', 'shippingcountry', 'hqcountry', 'headquarterscountry'] },
    { name: 'parentExternalId', label: 'Parent account external id', type: 'text', description: 'External id of the parent account (in Bosun already or earlier in the file)', maxLength: 200, aliases: ['parentaccountid', 'parentid', 'parentcompanyid', 'parentexternalid', 'parentaccountexternalid', 'parentrecordid'] },
    { name: 'renewalDate', label: 'Renewal date', type: 'date', description: 'Next renewal date', aliases: ['renewaldate', 'nextrenewaldate', 'contractenddate', 'contractrenewaldate', 'renewal'] },
    { name: 'arr', label: 'ARR', type: 'money', min: 0, max: 1e12, description: 'Current ARR; a change is recorded in the revenue ledger (new, expansion or contraction)', aliases: ['arr', 'annualrecurringrevenue', 'currentarr', 'arrusd', 'totalarr', 'annualcontractvalue', 'acv'] },
    { name: 'arrEffectiveDate', label: 'ARR effective date', type: 'date', description: 'Date of an ARR change (default: the day of the import)', aliases: ['arreffectivedate', 'arrdate', 'arrasof'] },
    currencyField,
    { name: 'annualRevenue', label: 'Annual revenue (firmographic)', type: 'money', min: 0, max: 1e15, trait: 'annual_revenue', description: "The customer company's own yearly revenue (Salesforce/HubSpot Annual Revenue); a trait, not ARR", aliases: ['annualrevenue', 'revenue', 'companyrevenue'] },
    { name: 'accountType', label: 'Account type', type: 'text', maxLength: 100, trait: 'account_type', description: 'CRM account type (Customer, Partner…); a trait', aliases: ['type', 'accounttype', 'companytype'] },
    { name: 'lifecycleStage', label: 'Lifecycle stage (CRM)', type: 'text', maxLength: 100, trait: 'crm_lifecycle_stage', description: 'HubSpot lifecycle stage; a trait', aliases: ['lifecyclestage'] },
  ],
}

const contacts: KindSpec = {
  kind: 'contacts',
  label: 'Contacts',
  description: 'People at customer accounts, upserted by external id, else by email',
  traits: true,
  prefixes: ['contact', 'person', 'primary'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', description: `${externalIdHelp}; without one, the email is the key`, maxLength: 200, aliases: ['externalid', 'contactid', 'recordid', 'id', 'personid', 'hubspotid', 'salesforceid', 'leadid'] },
    { ...accountRef, aliases: ['accountexternalid', 'accountid', 'companyid', 'associatedcompanyid', 'associatedcompanyids', 'associatedcompanyidsprimary', 'primaryassociatedcompanyid', 'organizationid', 'customerid'] },
    { name: 'email', label: 'Email', type: 'email', description: 'Unique in the workspace; matches an existing contact when there is no external id', aliases: ['email', 'emailaddress', 'workemail', 'email1', 'contactemail', 'primaryemail'] },
    { name: 'name', label: 'Full name', type: 'text', maxLength: 300, description: 'Full name (or map First name and Last name)', aliases: ['name', 'fullname', 'contactname', 'contact'] },
    { name: 'firstName', label: 'First name', type: 'text', maxLength: 150, description: 'Joined with Last name into the name', aliases: ['firstname', 'givenname', 'first'] },
    { name: 'lastName', label: 'Last name', type: 'text', maxLength: 150, description: 'Joined with First name into the name', aliases: ['lastname', 'surname', 'familyname', 'last'] },
    { name: 'title', label: 'Title', type: 'text', maxLength: 300, description: 'Job title', aliases: ['title', 'jobtitle', 'position', 'role'] },
    { name: 'phone', label: 'Phone', type: 'text', maxLength: 100, description: 'Phone number', aliases: ['phone', 'phonenumber', 'mobilephone', 'mobile', 'mobilephonenumber', 'workphone', 'businessphone'] },
    {
      name: 'roles',
      label: 'Roles',
      type: 'choiceList',
      choices: contactRoles,
      synonyms: { decision_maker: 'decision_maker', dm: 'decision_maker', buyer: 'economic_buyer', economic: 'economic_buyer', sponsor: 'executive_sponsor', exec_sponsor: 'executive_sponsor', executive: 'executive_sponsor', tech: 'technical', technical_contact: 'technical', billing_contact: 'billing', finance: 'billing', end_user: 'user', users: 'user', administrator: 'admin' },
      description: `Separated by ; or , (${contactRoles.join(', ')})`,
      aliases: ['roles', 'contactroles', 'buyingrole', 'buyingroles', 'personas', 'persona'],
    },
  ],
}

const subscriptions: KindSpec = {
  kind: 'subscriptions',
  label: 'Subscriptions',
  description: "Contracts (product, term, ARR, seats). They describe contracts; they do not move the account's ARR",
  traits: false,
  prefixes: ['subscription', 'contract'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', description: externalIdHelp, maxLength: 200, aliases: ['externalid', 'subscriptionid', 'contractid', 'contractnumber', 'id', 'recordid', 'agreementid'] },
    accountRef,
    { name: 'product', label: 'Product', type: 'text', requiredOnCreate: true, maxLength: 200, description: 'Product or plan', aliases: ['product', 'productname', 'plan', 'planname', 'subscriptionplan', 'sku'] },
    { name: 'startDate', label: 'Start date', type: 'date', requiredOnCreate: true, description: 'Start of the term', aliases: ['startdate', 'contractstartdate', 'termstart', 'termstartdate', 'subscriptionstartdate', 'start'] },
    { name: 'endDate', label: 'End date', type: 'date', description: 'End of the term: the renewal date', aliases: ['enddate', 'contractenddate', 'termend', 'termenddate', 'renewaldate', 'subscriptionenddate', 'end'] },
    { name: 'arr', label: 'ARR', type: 'money', requiredOnCreate: true, min: 0, max: 1e12, description: 'Contracted ARR of the subscription', aliases: ['arr', 'annualrecurringrevenue', 'annualvalue', 'contractvalue', 'amount', 'acv', 'annualcontractvalue'] },
    currencyField,
    { name: 'seats', label: 'Seats', type: 'integer', min: 0, max: 100_000_000, description: 'Purchased seats or licences', aliases: ['seats', 'licenses', 'licences', 'quantity', 'licensedseats', 'users', 'seatcount'] },
    {
      name: 'status',
      label: 'Status',
      type: 'choice',
      choices: subscriptionStatuses,
      synonyms: { trial: 'trialing', in_trial: 'trialing', live: 'active', current: 'active', activated: 'active', past_due: 'past_due', pastdue: 'past_due', overdue: 'past_due', unpaid: 'past_due', cancelled: 'canceled', cancel: 'canceled', terminated: 'canceled', ended: 'expired', lapsed: 'expired', inactive: 'expired' },
      description: `${subscriptionStatuses.join(', ')} (default active)`,
      aliases: ['status', 'subscriptionstatus', 'contractstatus', 'state'],
    },
    { name: 'autoRenew', label: 'Auto-renews', type: 'boolean', description: 'yes/no, true/false or 1/0', aliases: ['autorenew', 'autorenewal', 'autorenews', 'evergreen', 'renewsautomatically'] },
  ],
}

const revenueMovements: KindSpec = {
  kind: 'revenue-movements',
  label: 'Revenue movements',
  description: 'The revenue ledger: each row is one change of an account’s ARR. The ledger is append-only: a known external id is never changed',
  traits: false,
  prefixes: ['movement', 'revenue'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', description: 'Id in the source system; a movement already recorded with it is not recorded again', maxLength: 200, aliases: ['externalid', 'movementid', 'transactionid', 'id', 'recordid', 'opportunityid', 'invoiceid', 'dealid'] },
    accountRef,
    {
      name: 'kind',
      label: 'Kind',
      type: 'choice',
      required: true,
      choices: revenueMovementKinds,
      synonyms: { new_business: 'new', newbusiness: 'new', new_logo: 'new', upsell: 'expansion', cross_sell: 'expansion', expand: 'expansion', upgrade: 'expansion', downsell: 'contraction', downgrade: 'contraction', contract: 'contraction', churned: 'churn', cancellation: 'churn', cancel: 'churn', lost: 'churn', reactivated: 'reactivation', win_back: 'reactivation', winback: 'reactivation', returning: 'reactivation' },
      description: `${revenueMovementKinds.join(', ')}`,
      aliases: ['kind', 'type', 'movementtype', 'movementkind', 'changetype', 'opportunitytype', 'dealtype', 'category'],
    },
    { name: 'effectiveDate', label: 'Effective date', type: 'date', required: true, description: 'When the ARR changes', aliases: ['effectivedate', 'date', 'closedate', 'startdate', 'bookingdate', 'changedate'] },
    { name: 'amount', label: 'Amount', type: 'money', required: true, max: 1e12, description: 'Size of the ARR change; the sign follows the kind (a minus sign is fine for contraction and churn)', aliases: ['amount', 'arrchange', 'arrdelta', 'delta', 'arr', 'amountusd', 'mrrchange'] },
    currencyField,
    { name: 'note', label: 'Note', type: 'longText', maxLength: 2000, description: 'Free text', aliases: ['note', 'notes', 'description', 'comment', 'comments', 'reason'] },
  ],
}

const tickets: KindSpec = {
  kind: 'tickets',
  label: 'Tickets',
  description: 'Support tickets (Zendesk-shaped), upserted by ticket id',
  traits: false,
  prefixes: ['ticket', 'case'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', required: true, description: externalIdHelp, maxLength: 200, aliases: ['externalid', 'ticketid', 'id', 'casenumber', 'caseid', 'ticketnumber', 'recordid'] },
    { ...accountRef, aliases: ['accountexternalid', 'organizationexternalid', 'organizationid', 'orgid', 'accountid', 'companyid', 'customerid'] },
    { name: 'requesterEmail', label: 'Requester email', type: 'email', description: 'A contact of the same account', aliases: ['requesteremail', 'requester', 'contactemail', 'email', 'submitteremail', 'customeremail'] },
    { name: 'subject', label: 'Subject', type: 'text', requiredOnCreate: true, maxLength: 1000, description: 'Subject line', aliases: ['subject', 'title', 'summary', 'ticketsubject', 'casesubject'] },
    {
      name: 'priority',
      label: 'Priority',
      type: 'choice',
      choices: ticketPriorities,
      synonyms: { medium: 'normal', p1: 'urgent', p2: 'high', p3: 'normal', p4: 'low', critical: 'urgent', blocker: 'urgent', minor: 'low', major: 'high' },
      description: `${ticketPriorities.join(', ')} (default normal)`,
      aliases: ['priority', 'ticketpriority', 'casepriority', 'severity'],
    },
    {
      name: 'status',
      label: 'Status',
      type: 'choice',
      choices: ticketStatuses,
      synonyms: { hold: 'on_hold', onhold: 'on_hold', waiting: 'pending', waiting_on_customer: 'pending', resolved: 'solved', done: 'solved', working: 'open', in_progress: 'open', escalated: 'open', archived: 'closed' },
      description: `${ticketStatuses.join(', ')} (default new)`,
      aliases: ['status', 'ticketstatus', 'casestatus', 'state'],
    },
    { name: 'openedAt', label: 'Opened at', type: 'datetime', description: 'When it was opened (default: now)', aliases: ['openedat', 'createdat', 'created', 'dateopened', 'createddate', 'opened', 'requestedat', 'ticketcreatedat'] },
    { name: 'closedAt', label: 'Closed at', type: 'datetime', description: 'When it was solved or closed', aliases: ['closedat', 'solvedat', 'resolvedat', 'dateclosed', 'closeddate', 'solved', 'closed'] },
    {
      name: 'satisfaction',
      label: 'Satisfaction',
      type: 'choice',
      choices: ticketSatisfactions,
      synonyms: { good_with_comment: 'good', bad_with_comment: 'bad', satisfied: 'good', unsatisfied: 'bad', dissatisfied: 'bad', positive: 'good', negative: 'bad' },
      description: 'good or bad',
      aliases: ['satisfaction', 'satisfactionrating', 'satisfactionscore', 'csat'],
    },
  ],
}

const touchpoints: KindSpec = {
  kind: 'touchpoints',
  label: 'Touchpoints',
  description: 'Calls, meetings, emails, notes and QBRs (Salesforce tasks and events, HubSpot engagements)',
  traits: false,
  prefixes: ['activity', 'task', 'event', 'engagement'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', description: `${externalIdHelp}; without one, each import adds the rows again`, maxLength: 200, aliases: ['externalid', 'activityid', 'id', 'taskid', 'eventid', 'engagementid', 'recordid', 'touchpointid'] },
    { ...accountRef, aliases: ['accountexternalid', 'accountid', 'companyid', 'associatedcompanyid', 'whatid', 'customerid', 'organizationid'] },
    {
      name: 'kind',
      label: 'Kind',
      type: 'choice',
      required: true,
      choices: touchpointKinds,
      synonyms: { task: 'note', event: 'meeting', logged_call: 'call', phone: 'call', phone_call: 'call', video_call: 'meeting', zoom: 'meeting', onsite: 'meeting', visit: 'meeting', business_review: 'qbr', quarterly_business_review: 'qbr', ebr: 'qbr', mail: 'email', emails: 'email', comment: 'note', notes: 'note' },
      description: `${touchpointKinds.join(', ')}`,
      aliases: ['kind', 'type', 'activitytype', 'tasktype', 'engagementtype', 'touchpointtype', 'subtype'],
    },
    { name: 'occurredAt', label: 'Occurred at', type: 'datetime', required: true, description: 'When it happened', aliases: ['occurredat', 'date', 'activitydate', 'datetime', 'timestamp', 'duedate', 'startdatetime', 'activitydatetime', 'createddate', 'createdat'] },
    { name: 'subject', label: 'Subject', type: 'text', maxLength: 500, description: 'Subject line', aliases: ['subject', 'title', 'activitysubject'] },
    { name: 'body', label: 'Body', type: 'longText', maxLength: 20_000, description: 'Notes', aliases: ['body', 'description', 'notes', 'note', 'comments', 'details', 'activitynotes', 'callnotes'] },
    { name: 'author', label: 'Author', type: 'user', description: "Who logged it: a user's email or full name", aliases: ['author', 'authoremail', 'owner', 'assignedto', 'activityowner', 'createdby', 'loggedby', 'user'] },
    { name: 'contactEmails', label: 'Contact emails', type: 'emailList', description: 'Contacts of the account who took part, separated by ; or ,', aliases: ['contactemails', 'contactemail', 'attendees', 'participants', 'contacts', 'email'] },
  ],
}

const outcomes: KindSpec = {
  kind: 'outcomes',
  label: 'Outcomes',
  description: 'What happened at renewals: renewed, expanded, contracted or churned, with the date (health backtests score against these)',
  traits: false,
  prefixes: ['renewal', 'outcome'],
  fields: [
    { name: 'externalId', label: 'External id', type: 'text', description: externalIdHelp, maxLength: 200, aliases: ['externalid', 'outcomeid', 'id', 'opportunityid', 'renewalid', 'recordid', 'dealid'] },
    accountRef,
    {
      name: 'kind',
      label: 'Outcome',
      type: 'choice',
      required: true,
      choices: outcomeKinds,
      synonyms: { renewal: 'renewed', renew: 'renewed', won: 'renewed', closed_won: 'renewed', flat_renewal: 'renewed', expansion: 'expanded', upsell: 'expanded', renewed_with_expansion: 'expanded', contraction: 'contracted', downsell: 'contracted', renewed_with_contraction: 'contracted', churn: 'churned', lost: 'churned', closed_lost: 'churned', cancelled: 'churned', canceled: 'churned', did_not_renew: 'churned', non_renewal: 'churned' },
      description: `${outcomeKinds.join(', ')}`,
      aliases: ['kind', 'outcome', 'result', 'type', 'renewaloutcome', 'stage', 'status'],
    },
    { name: 'occurredOn', label: 'Date', type: 'date', required: true, description: 'The renewal or churn date', aliases: ['occurredon', 'date', 'renewaldate', 'churndate', 'closedate', 'outcomedate', 'effectivedate'] },
    { name: 'arrBefore', label: 'ARR before', type: 'money', min: 0, max: 1e12, description: 'ARR before the outcome', aliases: ['arrbefore', 'previousarr', 'priorarr', 'oldarr', 'startingarr'] },
    { name: 'arrAfter', label: 'ARR after', type: 'money', min: 0, max: 1e12, description: 'ARR after it (0 or empty for churned)', aliases: ['arrafter', 'newarr', 'renewedarr', 'endingarr', 'arr'] },
    { name: 'note', label: 'Note', type: 'longText', maxLength: 2000, description: 'Reason or comment', aliases: ['note', 'notes', 'reason', 'churnreason', 'comment', 'comments', 'lossreason'] },
  ],
}

export const kindSpecs: Record<ImportKind, KindSpec> = {
  accounts,
  contacts,
  subscriptions,
  'revenue-movements': revenueMovements,
  tickets,
  touchpoints,
  outcomes,
}

/** "Account ID", "account_id", "AccountId" → "accountid". */
export const normalizeHeader = (header: string) =>
  header
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '')

export const TRAIT_PREFIX = 'trait:'

/** A trait key from a header: "NPS Score" → nps_score. */
export const traitKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 100)

/** Whether `target` names a field of the kind (or a trait, where the kind has traits). */
export function isValidTarget(kind: ImportKind, target: string): boolean {
  const spec = kindSpecs[kind]
  if (target.startsWith(TRAIT_PREFIX)) return spec.traits && /^[a-z0-9_]{1,100}$/.test(target.slice(TRAIT_PREFIX.length))
  return spec.fields.some((field) => field.name === target)
}

/**
 * The column → field mapping a person would pick: an exact known header first, then the same
 * header without a CRM prefix. A field is given to one column at most (the best-ranked alias wins).
 */
export function guessMapping(kind: ImportKind, headers: string[]): Record<string, string | null> {
  const spec = kindSpecs[kind]
  type Candidate = { column: string; field: string; rank: number }
  const candidates: Candidate[] = []
  for (const [position, column] of headers.entries()) {
    const normalized = normalizeHeader(column)
    if (!normalized) continue
    const forms = [normalized, ...spec.prefixes.filter((prefix) => normalized.startsWith(prefix) && normalized.length > prefix.length).map((prefix) => normalized.slice(prefix.length))]
    for (const [formIndex, form] of forms.entries()) {
      for (const field of spec.fields) {
        // An exact field name ("externalId") is the strongest signal there is.
        const rank = normalizeHeader(field.name) === form ? 0 : field.aliases.indexOf(form)
        if (rank < 0) continue
        candidates.push({ column, field: field.name, rank: rank + formIndex * 100 + position / 10_000 })
      }
    }
  }
  candidates.sort((a, b) => a.rank - b.rank)
  const mapping: Record<string, string | null> = Object.fromEntries(headers.map((header) => [header, null]))
  const taken = new Set<string>()
  const mapped = new Set<string>()
  for (const candidate of candidates) {
    if (taken.has(candidate.field) || mapped.has(candidate.column)) continue
    mapping[candidate.column] = candidate.field
    taken.add(candidate.field)
    mapped.add(candidate.column)
  }
  return mapping
}

/** Fields the kind needs mapped before a run can start (each row still needs a value). */
export function missingRequiredFields(kind: ImportKind, mapping: Record<string, string | null>): FieldSpec[] {
  const targets = new Set(Object.values(mapping).filter((value): value is string => Boolean(value)))
  const spec = kindSpecs[kind]
  const missing = spec.fields.filter((field) => field.required && !targets.has(field.name))
  // A contact is matched by external id or by email: one of them must be there.
  if (kind === 'contacts' && !targets.has('externalId') && !targets.has('email')) missing.push(spec.fields.find((field) => field.name === 'email') as FieldSpec)
  return missing
}
