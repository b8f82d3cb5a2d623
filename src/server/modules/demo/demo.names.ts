/** Word lists for the demo world: company and people names, places, titles. Data only. */

/** Words that stand alone as the first word of a company name ("Kestrel Logistics"). */
export const nameRoots = [
  'Kestrel', 'Harbor', 'Summit', 'Pioneer', 'Vertex', 'Apex', 'Lumen', 'Nimbus', 'Orbit', 'Atlas',
  'Beacon', 'Crescent', 'Falcon', 'Granite', 'Horizon', 'Juniper', 'Maple', 'Meridian', 'Nova', 'Onyx',
  'Prism', 'Redwood', 'Sage', 'Sierra', 'Solstice', 'Sterling', 'Terra', 'Tidal', 'Vantage', 'Willow',
  'Zenith', 'Aurora', 'Cobalt', 'Copper', 'Ember', 'Evergreen', 'Fathom', 'Glacier', 'Harvest', 'Highland',
  'Indigo', 'Keystone', 'Lark', 'Lighthouse', 'Magnolia', 'Mosaic', 'Osprey', 'Pinnacle', 'Quarry', 'Raven',
  'Saffron', 'Sparrow', 'Spruce', 'Starling', 'Thistle', 'Trident', 'Upland', 'Velvet', 'Wren', 'Alder',
  'Banyan', 'Basalt', 'Bramble', 'Cascade', 'Cedar', 'Cinder', 'Condor', 'Coral', 'Cypress', 'Delta',
  'Dune', 'Echo', 'Elm', 'Fjord', 'Foxglove', 'Garnet', 'Heron', 'Hickory', 'Ironwood', 'Jasper',
  'Kite', 'Larch', 'Lotus', 'Lynx', 'Marlin', 'Mesa', 'Monarch', 'Nectar', 'Obsidian', 'Orchid',
  'Otter', 'Palisade', 'Pebble', 'Petrel', 'Quill', 'Rampart', 'Roan', 'Sable', 'Sequoia', 'Shoal',
  'Solace', 'Tamarack', 'Tern', 'Topaz', 'Tundra', 'Vireo', 'Wharf', 'Yarrow', 'Zephyr', 'Acorn',
] as const

/** First halves of compound first words ("Bright" + "wave" → "Brightwave"). */
export const compoundHeads = [
  'Bright', 'North', 'Silver', 'Blue', 'Iron', 'Clear', 'Deep', 'High', 'Red', 'Green',
  'Gold', 'Swift', 'True', 'Star', 'Sun', 'Black', 'White', 'Sky', 'Sea', 'Stone',
  'Wild', 'Fair', 'Far', 'East', 'West', 'South', 'Cloud', 'Snow', 'Rock', 'Oak',
  'Pine', 'Ash', 'Long', 'Clover', 'Amber', 'Bold', 'Key', 'Open', 'Grand', 'Pure',
] as const

export const compoundTails = [
  'wave', 'point', 'stone', 'field', 'bridge', 'light', 'path', 'gate', 'works', 'line',
  'spark', 'leaf', 'crest', 'view', 'shore', 'peak', 'forge', 'brook', 'ridge', 'haven',
  'mark', 'wind', 'wood', 'vale', 'port', 'stream',
] as const

export const industries = [
  'Software', 'Logistics', 'Healthcare', 'Financial Services', 'Manufacturing', 'Retail', 'Education',
  'Media', 'Energy', 'Real Estate', 'Professional Services', 'Insurance', 'Telecommunications',
  'Hospitality', 'Construction', 'Biotech', 'Food & Beverage', 'Nonprofit',
] as const

export type Industry = (typeof industries)[number]

export const industryWeights: Record<Industry, number> = {
  Software: 18, Logistics: 7, Healthcare: 8, 'Financial Services': 9, Manufacturing: 8, Retail: 6, Education: 5,
  Media: 4, Energy: 3, 'Real Estate': 3, 'Professional Services': 8, Insurance: 4, Telecommunications: 3,
  Hospitality: 3, Construction: 3, Biotech: 4, 'Food & Beverage': 3, Nonprofit: 2,
}

/** Second words of company names, by industry. */
export const industryNouns: Record<Industry, readonly string[]> = {
  Software: ['Software', 'Labs', 'Systems', 'Analytics', 'Cloud', 'Data', 'Digital', 'Technologies', 'AI', 'Apps'],
  Logistics: ['Logistics', 'Freight', 'Shipping', 'Supply', 'Transport', 'Fleet'],
  Healthcare: ['Health', 'Medical', 'Care', 'Clinics', 'Diagnostics', 'Wellness'],
  'Financial Services': ['Capital', 'Financial', 'Payments', 'Lending', 'Wealth', 'Bank'],
  Manufacturing: ['Manufacturing', 'Industries', 'Fabrication', 'Components', 'Machining', 'Materials'],
  Retail: ['Retail', 'Goods', 'Outfitters', 'Market', 'Brands', 'Supply Co'],
  Education: ['Learning', 'Academy', 'Education', 'Schools', 'Tutoring'],
  Media: ['Media', 'Studios', 'Publishing', 'Broadcasting', 'Creative'],
  Energy: ['Energy', 'Power', 'Solar', 'Utilities', 'Renewables'],
  'Real Estate': ['Properties', 'Realty', 'Estates', 'Living', 'Developments'],
  'Professional Services': ['Consulting', 'Partners', 'Advisors', 'Legal', 'Group', 'Associates'],
  Insurance: ['Insurance', 'Assurance', 'Mutual', 'Underwriters'],
  Telecommunications: ['Networks', 'Telecom', 'Communications', 'Wireless', 'Fiber'],
  Hospitality: ['Hospitality', 'Hotels', 'Travel', 'Resorts', 'Events'],
  Construction: ['Construction', 'Builders', 'Engineering', 'Contractors', 'Infrastructure'],
  Biotech: ['Biosciences', 'Therapeutics', 'Genomics', 'Bio', 'Pharma'],
  'Food & Beverage': ['Foods', 'Farms', 'Kitchen', 'Brewing', 'Provisions'],
  Nonprofit: ['Foundation', 'Trust', 'Alliance', 'Initiative'],
}

/** Appended when a name is already taken ("Brightwave Analytics Group"). */
export const nameSuffixes = ['Group', 'Holdings', 'Partners', 'Co', 'International', 'Global', 'Collective', 'Enterprises', 'Worldwide', 'Ventures'] as const

export const topLevelDomains = [['com', 62], ['io', 18], ['co', 8], ['ai', 5], ['net', 7]] as const

export const subsidiaryRegions = [
  { label: 'EMEA', domain: 'emea', country: 'United Kingdom' },
  { label: 'APAC', domain: 'apac', country: 'Singapore' },
  { label: 'Germany', domain: 'de', country: 'Germany' },
  { label: 'Japan', domain: 'jp', country: 'Japan' },
  { label: 'Canada', domain: 'ca', country: 'Canada' },
  { label: 'Australia', domain: 'au', country: 'Australia' },
  { label: 'France', domain: 'fr', country: 'France' },
] as const

export const countries = [
  ['United States', 55, 'North America'],
  ['Canada', 6, 'North America'],
  ['United Kingdom', 10, 'EMEA'],
  ['Germany', 6, 'EMEA'],
  ['France', 4, 'EMEA'],
  ['Netherlands', 3, 'EMEA'],
  ['Ireland', 2, 'EMEA'],
  ['Sweden', 2, 'EMEA'],
  ['Spain', 2, 'EMEA'],
  ['Australia', 4, 'APAC'],
  ['Japan', 2, 'APAC'],
  ['Singapore', 2, 'APAC'],
  ['India', 2, 'APAC'],
] as const

export const regionOfCountry: Record<string, string> = Object.fromEntries(countries.map(([country, , region]) => [country, region]))

export const acquisitionChannels = ['Outbound sales', 'Inbound', 'Partner referral', 'Self-serve signup', 'Event'] as const

export const primaryUseCases = [
  'Procurement approvals', 'Employee onboarding', 'IT service requests', 'Finance close', 'Customer onboarding',
  'Compliance workflows', 'Marketing operations', 'Contract management',
] as const

export const departments = ['Finance', 'IT', 'HR', 'Operations', 'Procurement', 'Legal', 'Sales Ops', 'Marketing'] as const

/** Product features as noun phrases that read well mid-sentence ("happy with {feature}"). */
export const productFeatures = [
  'approval chains', 'the form builder', 'SLA timers', 'the Salesforce connector', 'the audit trail', 'workflow templates',
  'the reporting dashboards', 'SSO/SCIM provisioning', 'the mobile app', 'conditional routing', 'the REST API',
  'bulk imports', 'the Slack integration', 'e-signature steps',
] as const

export const competitors = ['Flowstack', 'Pipewise', 'Taskara', 'Routely'] as const

export const firstNames = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Emily',
  'Andrew', 'Michelle', 'Joshua', 'Amanda', 'Kevin', 'Melissa', 'Brian', 'Stephanie', 'Ryan', 'Rebecca',
  'Jacob', 'Laura', 'Nicholas', 'Hannah', 'Eric', 'Rachel', 'Jonathan', 'Olivia', 'Samuel', 'Sophia',
  'Benjamin', 'Emma', 'Aaron', 'Grace', 'Ethan', 'Chloe', 'Noah', 'Maya', 'Lucas', 'Zoe',
  'Priya', 'Arjun', 'Ananya', 'Rohan', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Min-jun', 'Ji-woo',
  'Carlos', 'Sofia', 'Diego', 'Lucia', 'Mateo', 'Valentina', 'Ahmed', 'Fatima', 'Omar', 'Layla',
  'Lars', 'Ingrid', 'Sven', 'Astrid', 'Pierre', 'Camille', 'Luca', 'Giulia', 'Jan', 'Anna',
  'Kwame', 'Amara', 'Tunde', 'Zainab', 'Liam', 'Aoife', 'Connor', 'Niamh', 'Felix', 'Clara',
  'Marcus', 'Nadia', 'Victor', 'Elena', 'Oscar', 'Isabel', 'Hugo', 'Leah', 'Adrian', 'Naomi',
] as const

export const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Patel', 'Shah', 'Singh', 'Kumar', 'Chen', 'Wang', 'Zhang', 'Liu', 'Tanaka', 'Sato',
  'Kim', 'Park', 'Choi', 'Okafor', 'Mensah', 'Adeyemi', 'Haddad', 'Khan', 'Ali', 'Hassan',
  'Muller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Dubois', 'Laurent', 'Moreau', 'Rossi', 'Bianchi',
  'Jansen', 'De Vries', 'Berg', 'Lindqvist', 'Nilsson', 'Murphy', "O'Brien", 'Kelly', 'Byrne', 'Walsh',
  'Novak', 'Kowalski', 'Ivanova', 'Silva', 'Santos', 'Costa', 'Fernandez', 'Morales', 'Reyes', 'Cruz',
  'Bennett', 'Brooks', 'Hayes', 'Foster', 'Reed', 'Coleman', 'Ward', 'Porter', 'Hughes', 'Price',
] as const

/** Contact titles by contact role (roles from contacts.tables contactRoles). */
export const contactTitles = {
  champion: ['Director of Operations', 'Head of Business Systems', 'Operations Manager', 'Program Manager', 'Process Excellence Lead'],
  decision_maker: ['VP Operations', 'Director of IT', 'Head of Procurement', 'VP Business Systems'],
  economic_buyer: ['CFO', 'VP Finance', 'COO', 'Controller'],
  executive_sponsor: ['CEO', 'CIO', 'CTO', 'SVP Operations', 'Chief Digital Officer'],
  admin: ['Systems Administrator', 'Workflow Administrator', 'IT Manager', 'Business Applications Admin'],
  billing: ['Accounts Payable Specialist', 'Finance Manager', 'Procurement Specialist'],
  technical: ['Solutions Architect', 'Senior Software Engineer', 'IT Architect', 'Integration Engineer'],
  user: ['Operations Analyst', 'Project Coordinator', 'Team Lead', 'HR Business Partner', 'Finance Analyst', 'Procurement Analyst'],
} as const
