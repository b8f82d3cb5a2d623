export * from './contacts.tables'
export { contactRoutes, toContactDto } from './contacts.routes'
export { ContactSchema } from './contacts.contracts'
export { upsertContactsFromProductUsers, type ProductPerson } from './contacts.product-sync'
export {
  listContacts,
  getContact,
  createContact,
  updateContact,
  deleteContact,
  listAccountContacts,
  findContactByEmail,
  findContactByExternalId,
  assertContactsOfAccount,
  type Contact,
  type CreateContactInput,
  type UpdateContactInput,
} from './contacts.service'
