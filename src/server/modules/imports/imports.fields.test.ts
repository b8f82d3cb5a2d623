import { describe, expect, it } from 'vitest'
import { guessMapping } from './imports.fields'
import { resolveMapping } from './imports.rows'

describe('guessing the mapping from headers', () => {
  it('maps a Salesforce account export', () => {
    const headers = ['Account ID', 'Account Name', 'Website', 'Annual Revenue', 'Industry', 'Employees', 'Billing Country', 'Billing City', 'Account Owner', 'Type', 'Parent Account ID', 'Phone', 'Created Date']
    expect(guessMapping('accounts', headers)).toEqual({
      'Account ID': 'externalId',
      'Account Name': 'name',
      Website: 'domain',
      'Annual Revenue': 'annualRevenue',
      Industry: 'industry',
      Employees: 'employees',
      'Billing Country': 'country',
      'Billing City': null,
      'Account Owner': 'owner',
      Type: 'accountType',
      'Parent Account ID': 'parentExternalId',
      Phone: null,
      'Created Date': null,
    })
  })

  it('maps Salesforce API (Data Loader) names', () => {
    const mapping = guessMapping('accounts', ['Id', 'Name', 'Website', 'AnnualRevenue', 'NumberOfEmployees', 'BillingCountry', 'ParentId', 'OwnerId'])
    expect(mapping).toMatchObject({ Id: 'externalId', Name: 'name', Website: 'domain', AnnualRevenue: 'annualRevenue', NumberOfEmployees: 'employees', BillingCountry: 'country', ParentId: 'parentExternalId' })
    // A Salesforce user id cannot be resolved to a Bosun user: left for the person to map.
    expect(mapping.OwnerId).toBeNull()
  })

  it('maps a HubSpot company export, preferring the domain over the website', () => {
    const headers = ['Record ID', 'Company name', 'Company Domain Name', 'Website URL', 'Annual Revenue', 'Number of Employees', 'Country/Region', 'Company owner', 'Lifecycle Stage', 'Create Date']
    expect(guessMapping('accounts', headers)).toEqual({
      'Record ID': 'externalId',
      'Company name': 'name',
      'Company Domain Name': 'domain',
      'Website URL': null,
      'Annual Revenue': 'annualRevenue',
      'Number of Employees': 'employees',
      'Country/Region': 'country',
      'Company owner': 'owner',
      'Lifecycle Stage': 'lifecycleStage',
      'Create Date': null,
    })
  })

  it('maps contact exports of both CRMs without taking the account name for the person', () => {
    expect(guessMapping('contacts', ['Contact ID', 'First Name', 'Last Name', 'Email', 'Title', 'Account ID', 'Account Name', 'Mobile Phone'])).toEqual({
      'Contact ID': 'externalId',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Title: 'title',
      'Account ID': 'accountExternalId',
      'Account Name': null,
      'Mobile Phone': 'phone',
    })
    expect(guessMapping('contacts', ['Record ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Associated Company IDs'])).toMatchObject({
      'Record ID': 'externalId',
      'Job Title': 'title',
      'Associated Company IDs': 'accountExternalId',
    })
  })

  it('ignores case, spacing and punctuation', () => {
    expect(guessMapping('accounts', ['  ACCOUNT_ID ', 'account-name', 'renewal date'])).toEqual({ '  ACCOUNT_ID ': 'externalId', 'account-name': 'name', 'renewal date': 'renewalDate' })
  })

  it('maps the other kinds from their usual headers', () => {
    expect(guessMapping('tickets', ['Ticket ID', 'Organization ID', 'Requester email', 'Subject', 'Priority', 'Status', 'Created at', 'Solved at', 'Satisfaction'])).toEqual({
      'Ticket ID': 'externalId',
      'Organization ID': 'accountExternalId',
      'Requester email': 'requesterEmail',
      Subject: 'subject',
      Priority: 'priority',
      Status: 'status',
      'Created at': 'openedAt',
      'Solved at': 'closedAt',
      Satisfaction: 'satisfaction',
    })
    expect(guessMapping('outcomes', ['Account ID', 'Outcome', 'Renewal Date', 'Previous ARR', 'New ARR', 'Churn Reason'])).toEqual({
      'Account ID': 'accountExternalId',
      Outcome: 'kind',
      'Renewal Date': 'occurredOn',
      'Previous ARR': 'arrBefore',
      'New ARR': 'arrAfter',
      'Churn Reason': 'note',
    })
  })
})

describe('editing the mapping', () => {
  const headers = ['Account ID', 'Account Name', 'Website', 'NPS']

  it('applies choices over the guess; an explicit field takes it away from the guessed column', () => {
    const { mapping, problems } = resolveMapping('accounts', headers, { NPS: 'trait:nps', 'Account Name': null, Website: 'name' })
    expect(problems).toEqual([])
    expect(mapping).toEqual({ 'Account ID': 'externalId', 'Account Name': null, Website: 'name', NPS: 'trait:nps' })
  })

  it('names the wrong choice', () => {
    const { problems } = resolveMapping('accounts', headers, { Nope: 'name', Website: 'colour', NPS: 'trait:' })
    expect(problems.map((problem) => problem.field)).toEqual(['mapping.Nope', 'mapping.Website'])
    expect(resolveMapping('accounts', headers, { 'Account ID': null }).problems).toEqual([
      { field: 'mapping', message: 'no column is mapped to externalId (External id), which accounts need' },
    ])
  })
})
