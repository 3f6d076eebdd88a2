// Public face of the RADIUS stage: the server behind 802.1X ports and the staff Wi-Fi,
// computed from the inventory, the policy and the plan, rendered for freeradius 3.
export * from './model.js';
export { radiusIntent, type RadiusDirectoryInput } from './intent.js';
export { renderRadius, radiusSecretNames, radiusSecretProblems } from './render.js';
