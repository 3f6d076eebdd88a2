// Public face of the people stage: people files -> validated people.
export { parsePeople, CSV_COLUMNS, type PeopleFile } from './load.js';
export { parseCsv, csvCell } from './csv.js';
export { PEOPLE_FIELDS, isValid, isCalendarDate, normaliseMac, personSchema, type PersonInput } from './fields.js';
export { generatePeople, type GenerateOptions } from './generate.js';
export { personRow, peopleCsv } from './write.js';
export * from './model.js';
export { loadPeople, peopleDir } from './files.js';

export { appendPerson, removePerson } from './edit.js';
export { loadIdentity, knownNames, defaultPolicyFile, type IdentityContext } from './context.js';
