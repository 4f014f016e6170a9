import { ASNS, RESTRICTED_COUNTRIES } from '../network.ts';

export { RESTRICTED_COUNTRIES };

/** Network types every key (benign or attack) draws from one shared distribution. */
export const NETWORK_TYPES = ['cloud', 'residential', 'mobile', 'corporate', 'vpn'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

/** Cloud providers are global: their addresses geolocate to the region the customer picked. */
export const CLOUD_ASNS: readonly number[] = [
  ...ASNS.filter((a) => a.kind === 'datacenter').map((a) => a.asn),
  396982, // Google Cloud
  31898, // Oracle Cloud
  13335, // Cloudflare Workers
  45102, // Alibaba Cloud (international regions)
];

/** Cloud regions by country; the country of a cloud request is its region, not its owner's. */
export const CLOUD_REGIONS = ['US', 'US', 'US', 'DE', 'GB', 'NL', 'FR', 'JP', 'SG', 'IN', 'KR', 'BR', 'CA'] as const;

/** Commercial VPN and proxy exits (the classic list plus two more), with the country they exit in. */
export const VPN_ASNS: readonly (readonly [number, string])[] = [
  ...ASNS.filter((a) => a.kind === 'proxy').map((a) => [a.asn, a.country] as const),
  [202425, 'NL'], // IP Volume
  [51852, 'CH'], // Private Layer
];

/** Home broadband by country (restricted countries included: travellers and leaks come from there). */
export const RESIDENTIAL_ASNS: Readonly<Record<string, readonly number[]>> = {
  US: [7922, 7018, 701, 20115, 22773],
  GB: [2856, 5089],
  DE: [3320, 3209],
  FR: [3215, 12322],
  JP: [2516, 4713],
  IN: [24560, 55836],
  BR: [28573, 18881],
  CA: [812, 577],
  NL: [1136, 33915],
  SG: [9506, 4773],
  KR: [4766, 9318],
  ES: [3352, 12479],
  CH: [3303],
  AE: [5384],
  MX: [8151],
  CN: [4134, 4837],
  RU: [12389, 8402],
  IR: [58224],
  BY: [6697],
};

export const MOBILE_ASNS: Readonly<Record<string, readonly number[]>> = {
  US: [21928, 22394],
  GB: [12576],
  DE: [6805],
  FR: [51207],
  JP: [9605],
  IN: [55836, 45609],
  BR: [26599],
  KR: [17858],
  CN: [9808],
  RU: [31133],
};

/** Company and university networks (own ASNs); countries without one fall back to a global enterprise carrier. */
export const CORPORATE_ASNS: Readonly<Record<string, readonly number[]>> = {
  US: [3, 11, 32, 2686],
  GB: [786],
  DE: [680],
  FR: [2200],
  JP: [2907],
  NL: [1103],
};
export const GLOBAL_CORPORATE_ASN = 2686;

/** Time zone (hours from UTC) of each served country's business day. */
export const TIMEZONES: Readonly<Record<string, number>> = {
  US: -6,
  CA: -5,
  BR: -3,
  GB: 0,
  ES: 1,
  FR: 1,
  DE: 1,
  NL: 1,
  IN: 5.5,
  SG: 8,
  JP: 9,
  KR: 9,
};

/** Client builds: SDKs, frameworks and raw HTTP, each with a few versions; benign and attack keys draw alike. */
export const USER_AGENT_FAMILIES: readonly (readonly [string, readonly string[]])[] = [
  ['anthropic-python', ['0.45.2', '0.49.0', '0.52.1']],
  ['openai-python', ['1.59.7', '1.68.2', '1.75.0']],
  ['anthropic-typescript', ['0.37.0', '0.39.0', '0.41.2']],
  ['openai-node', ['4.85.1', '4.87.3']],
  ['langchain-python', ['0.3.14', '0.3.21']],
  ['llama-index', ['0.12.8', '0.12.22']],
  ['litellm', ['1.61.3', '1.63.11']],
  ['python-httpx', ['0.27.2', '0.28.1']],
  ['python-requests', ['2.31.0', '2.32.3']],
  ['Go-http-client', ['1.1', '2.0']],
  ['okhttp', ['4.12.0']],
  ['curl', ['8.5.0', '8.11.1']],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome', ['131.0', '132.0']],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari', ['18.1', '18.2']],
];
