/** Text templates for demo touchpoints and tickets. Pure: placeholders are filled from a context. */
import type { Rng } from './demo.random'

export type TouchpointKind = 'note' | 'call' | 'meeting' | 'email' | 'qbr'
export type Tone = 'positive' | 'neutral' | 'negative'

/** Values a template may use as {placeholders}. */
export type TextContext = Record<string, string | number>

type Template = readonly [subject: string, body: string]

export function fillTemplate(text: string, context: TextContext): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = context[key]
    return value === undefined ? whole : String(value)
  })
}

const routine: Record<TouchpointKind, Record<Tone, readonly Template[]>> = {
  call: {
    positive: [
      ['Check-in: adoption looking strong', 'Spoke with {contact} ({title}). {dept} is now running {n} active workflows for {useCase} and wants to extend {feature} to more teams. Next step: share the rollout playbook.'],
      ['Call with {contact}: expansion interest', '{contact} asked about adding seats for {dept}. Usage is up since the last check-in. Sent pricing options and looped in the AE.'],
      ['Quick sync: new team onboarded', '{dept} went live last week without help from us. {contact} is happy with {feature}; no open issues.'],
    ],
    neutral: [
      ['Monthly check-in with {contact}', 'Reviewed open tickets and the adoption report. {contact} asked for a refresher on {feature}. Scheduled admin training.'],
      ['Admin training session', 'Walked {contact} through {feature} and reporting. They will roll it out to {dept} next month.'],
      ['Check-in call', 'Routine check-in. {contact} is busy with a quarter-end push; agreed to revisit {useCase} goals in a few weeks.'],
    ],
    negative: [
      ['Escalation call: {issue}', '{contact} escalated {issue}. Frustrated with response times on recent tickets. Committed to a fix plan with support by Friday.'],
      ['Risk call: low adoption in {dept}', 'Only a handful of users active in {dept}. {contact} says the team went back to spreadsheets for {useCase}. Proposed a re-onboarding plan.'],
      ['Call with {contact}: concerns about value', '{contact} questioned the value versus cost ahead of renewal. Asked for usage and ROI numbers. Flagged to manager.'],
    ],
  },
  meeting: {
    positive: [
      ['Roadmap preview with {company}', 'Presented upcoming releases. {contact} is keen on the improvements to {feature} and volunteered for the beta.'],
      ['Expansion workshop with {dept}', 'Mapped three new areas for {useCase} with {contact}. Strong sponsorship; business case for more seats in progress.'],
      ['Success plan review: goals met', 'Reviewed the success plan with {contact}: cycle time down {pct}% for {useCase}. Set goals for next quarter.'],
    ],
    neutral: [
      ['Success plan review', 'Went through milestones with {contact}. Two goals on track, one slipping because of internal priorities at {company}.'],
      ['Working session: {feature}', 'Configured {feature} with {contact} for {dept}. Follow-up session booked.'],
      ['Stakeholder meeting', 'Met {contact} and the {dept} lead to align on {useCase} requirements for the next phase.'],
    ],
    negative: [
      ['Recovery plan review', 'Met {contact} to go through the recovery plan. Adoption still below target; exec sponsor did not attend. Renewal at risk.'],
      ['Meeting: customer evaluating {competitor}', '{contact} mentioned they are evaluating {competitor} for {useCase}. Asked what it would take to stay; pricing is a concern.'],
      ['Exec escalation meeting', 'Leadership at {company} unhappy with {issue}. Agreed on weekly status calls until resolved.'],
    ],
  },
  email: {
    positive: [
      ['Sent best-practice guide for {useCase}', 'Shared our {useCase} best-practice guide with {contact}, who plans to use it for the {dept} rollout.'],
      ['Follow-up: training recording', 'Sent the recording of the training on {feature}. {contact} replied that the team found it very useful.'],
      ['Case study request', 'Asked {contact} whether {company} would join a case study on {useCase}. Positive reply, checking with marketing.'],
    ],
    neutral: [
      ['Shared release notes for {feature}', 'Sent the latest release notes, highlighting changes to {feature} relevant to {dept}.'],
      ['Follow-up on open questions', 'Answered {contact}\'s questions about permissions and {feature}. Waiting for their reply.'],
      ['Invitation to customer webinar', 'Invited {contact} and the {dept} admins to the monthly webinar on {useCase}.'],
    ],
    negative: [
      ['Re: delayed rollout in {dept}', '{contact} wrote that the {dept} rollout is blocked again. No reply to my last two emails before this one.'],
      ['Escalation: {issue}', 'Forwarded {contact}\'s complaint about {issue} to support and engineering. Customer wants a root cause.'],
      ['No response from {contact}', 'Third follow-up without a reply. Concern that the account is disengaged; trying other contacts.'],
    ],
  },
  note: {
    positive: [
      ['Customer shared positive feedback on {feature}', '{contact} said {feature} saved the {dept} team hours every week. Good candidate for a reference.'],
      ['Usage milestone', '{company} passed {n} workflows completed this month, the highest so far.'],
      ['Champion promoted', '{contact} was promoted and now owns {useCase} across {company}. Good for the relationship.'],
    ],
    neutral: [
      ['Updated success plan', 'Refreshed goals and contacts in the success plan after the last check-in.'],
      ['Account notes', 'No major changes this month. {contact} remains the main contact; {dept} is the most active team.'],
      ['Internal handoff notes', 'Summarised open items for {company}: training follow-up and one billing question.'],
    ],
    negative: [
      ['Renewal risk: low adoption', 'Active usage keeps dropping at {company}. {dept} stopped using {feature}. Needs an exec conversation before renewal.'],
      ['Risk: exec sponsor disengaged', 'The exec sponsor has skipped the last two meetings. {contact} is supportive but lacks budget authority.'],
      ['Concern: support frustration', 'Several recent tickets with bad satisfaction ratings. {contact} is frustrated with {issue}.'],
    ],
  },
  qbr: {
    positive: [
      ['QBR: ROI review went well', 'Reviewed outcomes with {contact} and leadership: {pct}% faster {useCase}, {n} workflows live. They want to expand to {dept}.'],
      ['QBR: strong quarter', 'Adoption and satisfaction up. Agreed on next-quarter goals; expansion conversation planned before renewal.'],
    ],
    neutral: [
      ['QBR: mixed adoption across teams', 'Adoption strong in {dept}, weak elsewhere. Agreed on an enablement plan for the other teams.'],
      ['QBR with {company}', 'Quarterly review with {contact}. Goals partly met; the rollout of {feature} moved to next quarter.'],
    ],
    negative: [
      ['QBR: customer questioned value', 'Leadership at {company} questioned the ROI. Usage down; they asked about downgrading seats at renewal.'],
      ['QBR postponed by customer', '{contact} postponed the QBR for the second time. Renewal risk rising.'],
    ],
  },
}

export function routineTouchpoint(rng: Rng, kind: TouchpointKind, tone: Tone, context: TextContext): { subject: string; body: string } {
  const [subject, body] = rng.pick(routine[kind][tone])
  return { subject: fillTemplate(subject, context), body: fillTemplate(body, context) }
}

/** Touchpoints tied to something that happened to the account. */
export const eventTouchpoints = {
  kickoff: ['meeting', 'Kickoff call with {company}', 'Onboarding kickoff with {contact}. Scope: {useCase} for {dept}. Target go-live in {n} weeks.'],
  onboardingDone: ['note', 'Onboarding complete', '{company} is live on {useCase}. {contact} signed off; moving to adoption phase.'],
  badOnboarding: ['note', 'Onboarding delayed: integration blockers', 'Go-live slipped again. {contact} is blocked on setting up {feature} and on IT resources. Risk of a poor start.'],
  championLeft: ['note', 'Renewal risk: champion left', '{former} has left {company}. Need to rebuild the relationship with {contact}, who is new to the project.'],
  newChampion: ['meeting', 'Intro meeting with new champion {contact}', 'Met {contact} ({title}), who takes over from {former}. Walked through goals and current usage.'],
  reorg: ['note', 'Customer reorg: new stakeholders', '{company} announced a reorganisation; {dept} now reports elsewhere. Priorities may change; mapping new stakeholders.'],
  execSponsor: ['meeting', 'Exec alignment with {contact}', 'New executive sponsor {contact} ({title}) is bullish on {useCase} and wants a company-wide rollout.'],
  incident: ['email', 'Incident follow-up: {issue}', 'Sent the incident report for {issue} to {contact}. They are unhappy about the impact on {dept}.'],
  renewalKickoff: ['call', 'Renewal kickoff: {renewalDate}', 'Started the renewal conversation with {contact}. Renewal on {renewalDate}, current ARR {arr}.'],
  priceIncrease: ['email', 'Renewal quote sent with {pct}% uplift', 'Sent the renewal quote to {contact}, including the {pct}% list price uplift. Expect pushback.'],
  renewedUp: ['note', 'Renewed: +{n} seats', '{company} renewed and added {n} seats. New ARR {arr}.'],
  renewedFlat: ['note', 'Renewed flat', '{company} renewed on the same terms. ARR {arr}.'],
  renewedDown: ['note', 'Renewed with reduced seats', '{company} renewed but cut {n} seats. ARR down to {arr}. Adoption plan needed.'],
  expansion: ['note', 'Expansion closed: +{n} seats', '{dept} added {n} seats mid-term. New ARR {arr}.'],
  churned: ['note', 'Churned: {reason}', '{company} did not renew. Reason given: {reason}. Exit interview with {contact} scheduled.'],
  reactivated: ['meeting', 'Welcome back: {company} returns', '{company} signed again after leaving. {contact} cited {feature} as the reason to come back.'],
} as const satisfies Record<string, readonly [TouchpointKind, string, string]>

export type TouchpointEvent = keyof typeof eventTouchpoints

export function eventTouchpoint(event: TouchpointEvent, context: TextContext): { kind: TouchpointKind; subject: string; body: string } {
  const [kind, subject, body] = eventTouchpoints[event]
  return { kind, subject: fillTemplate(subject, context), body: fillTemplate(body, context) }
}

export const issues = [
  'slow form loading', 'failed webhook deliveries', 'SSO login errors', 'missing approval notifications',
  'report export timeouts', 'the Salesforce sync lag', 'duplicate workflow runs', 'API rate limiting',
] as const

export const churnReasons = [
  'budget cuts', 'moved to {competitor}', 'low adoption', 'champion left and no replacement', 'acquired by a company using another tool',
  'product gaps in {feature}', 'poor support experience',
] as const

/** Ticket subjects in three buckets: how-to questions, bugs, and severe problems. */
export const ticketSubjects = {
  howTo: [
    'How do I set up conditional routing?', 'Question about user permissions', 'How to export workflow history to CSV',
    'Can we customise notification emails?', 'Adding a new approval step', 'Where do I find the audit trail?',
    'Training request for new admins', 'How to bulk import users', 'Changing the owner of a workflow',
    'Request: add SSO for a second domain', 'Billing: update invoice address', 'Billing: question about seat count on invoice',
  ],
  bug: [
    'Form builder drops field values on save', 'Approval notifications not sent', 'Export to CSV times out',
    'Webhook deliveries delayed', 'Dashboard shows wrong totals', 'Mobile app crashes on attachment upload',
    'Salesforce sync missing records', 'SLA timer not pausing on weekends', 'Duplicate workflow runs triggered',
    'API returns 429 rate limit errors', 'Search does not find archived requests',
  ],
  severe: [
    'URGENT: users cannot log in via SSO', 'Workflows stuck in pending for all users', 'Data missing after migration',
    'Production outage: approvals failing', 'Security question after permission change', 'Invoices generated twice',
  ],
} as const
