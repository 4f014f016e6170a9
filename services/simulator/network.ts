import type { Rng } from './random.ts';

/** An autonomous system the simulator routes traffic through; `kind` is what the detector's ASN lists encode. */
export interface AsnInfo {
  asn: number;
  country: string;
  kind: 'residential' | 'mobile' | 'datacenter' | 'proxy';
  name: string;
}

/** Countries where the simulated service is not offered (README.md lists them for the detector config). */
export const RESTRICTED_COUNTRIES = ['CN', 'RU', 'IR', 'KP', 'SY', 'CU', 'BY'] as const;

/** Countries where the service is offered and benign customers bill from. */
export const SERVED_COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'IN', 'BR', 'CA', 'NL', 'SG', 'KR', 'ES'] as const;

export const ASNS: readonly AsnInfo[] = [
  { asn: 7922, country: 'US', kind: 'residential', name: 'Comcast' },
  { asn: 7018, country: 'US', kind: 'residential', name: 'AT&T' },
  { asn: 701, country: 'US', kind: 'residential', name: 'Verizon' },
  { asn: 21928, country: 'US', kind: 'mobile', name: 'T-Mobile US' },
  { asn: 2856, country: 'GB', kind: 'residential', name: 'BT' },
  { asn: 3320, country: 'DE', kind: 'residential', name: 'Deutsche Telekom' },
  { asn: 3215, country: 'FR', kind: 'residential', name: 'Orange' },
  { asn: 2516, country: 'JP', kind: 'residential', name: 'KDDI' },
  { asn: 55836, country: 'IN', kind: 'mobile', name: 'Reliance Jio' },
  { asn: 28573, country: 'BR', kind: 'residential', name: 'Claro' },
  { asn: 812, country: 'CA', kind: 'residential', name: 'Rogers' },
  { asn: 1136, country: 'NL', kind: 'residential', name: 'KPN' },
  { asn: 9506, country: 'SG', kind: 'residential', name: 'Singtel' },
  { asn: 4766, country: 'KR', kind: 'residential', name: 'Korea Telecom' },
  { asn: 3352, country: 'ES', kind: 'residential', name: 'Telefonica' },
  { asn: 16509, country: 'US', kind: 'datacenter', name: 'Amazon AWS' },
  { asn: 15169, country: 'US', kind: 'datacenter', name: 'Google' },
  { asn: 8075, country: 'US', kind: 'datacenter', name: 'Microsoft' },
  { asn: 14061, country: 'US', kind: 'datacenter', name: 'DigitalOcean' },
  { asn: 16276, country: 'FR', kind: 'datacenter', name: 'OVH' },
  { asn: 24940, country: 'DE', kind: 'datacenter', name: 'Hetzner' },
  { asn: 20473, country: 'US', kind: 'datacenter', name: 'Vultr (Choopa)' },
  { asn: 63949, country: 'US', kind: 'datacenter', name: 'Akamai Linode' },
  { asn: 9009, country: 'GB', kind: 'proxy', name: 'M247' },
  { asn: 60068, country: 'GB', kind: 'proxy', name: 'Datacamp / CDN77' },
  { asn: 212238, country: 'GB', kind: 'proxy', name: 'Datacamp' },
  { asn: 62240, country: 'US', kind: 'proxy', name: 'Clouvider' },
  { asn: 136787, country: 'SG', kind: 'proxy', name: 'TEFINCOM (VPN exits)' },
  { asn: 4134, country: 'CN', kind: 'residential', name: 'Chinanet' },
  { asn: 4837, country: 'CN', kind: 'residential', name: 'China Unicom' },
  { asn: 9808, country: 'CN', kind: 'mobile', name: 'China Mobile' },
  { asn: 12389, country: 'RU', kind: 'residential', name: 'Rostelecom' },
  { asn: 58224, country: 'IR', kind: 'residential', name: 'TCI' },
];

const BY_ASN = new Map(ASNS.map((a) => [a.asn, a]));

export function asnInfo(asn: number): AsnInfo {
  const info = BY_ASN.get(asn);
  if (!info) throw new RangeError(`unknown simulator ASN ${asn}`);
  return info;
}

export function asnsOf(kind: AsnInfo['kind'], country?: string): AsnInfo[] {
  return ASNS.filter((a) => a.kind === kind && (country === undefined || a.country === country));
}

/** ASNs the detector should treat as datacenter or proxy/VPN infrastructure. */
export const HOSTING_ASNS = ASNS.filter((a) => a.kind === 'datacenter' || a.kind === 'proxy').map((a) => a.asn);

/** A home network in the country, falling back to any residential one when the country has none listed. */
export function residentialAsn(rng: Rng, country: string): AsnInfo {
  const local = ASNS.filter((a) => a.country === country && (a.kind === 'residential' || a.kind === 'mobile'));
  return rng.pick(local.length > 0 ? local : asnsOf('residential', 'US'));
}

/** A stable per-ASN IPv4 /16 so addresses of one network look alike. */
function prefixOf(asn: number): [number, number] {
  const first = 11 + ((asn * 7919) % 180);
  return [first === 127 ? 128 : first, (asn * 104729) % 256];
}

/** A host address inside the ASN's /16; `host` selects a stable address (e.g. one per end user or server). */
export function ipInAsn(asn: number, host: number): string {
  const [a, b] = prefixOf(asn);
  const h = host % 65024;
  return `${a}.${b}.${(h >>> 8) & 255}.${Math.min((h & 255) + 1, 254)}`;
}

export interface NetworkFields {
  client_ip: string;
  client_asn: number;
  client_country: string;
}

/** Chooses where one request comes from. */
export type NetworkPicker = (rng: Rng) => NetworkFields;

function at(asn: AsnInfo, host: number): NetworkFields {
  return { client_ip: ipInAsn(asn.asn, host), client_asn: asn.asn, client_country: asn.country };
}

/** A customer's own servers: a handful of stable addresses in the given ASNs. */
export function serverPool(rng: Rng, asns: readonly number[], servers: number): NetworkPicker {
  const hosts = Array.from({ length: servers }, () => at(asnInfo(rng.pick(asns)), rng.int(0, 65000)));
  return (r) => r.pick(hosts);
}

/** End users on home and mobile networks: each user keeps an address; `travelShare` roams abroad or uses a VPN. */
export function endUsers(
  rng: Rng,
  countries: readonly (readonly [string, number])[],
  users: number,
  travelShare: number,
): NetworkPicker {
  const homes = Array.from({ length: users }, () =>
    at(residentialAsn(rng, rng.weighted(countries)), rng.int(0, 65000)),
  );
  const vpns = asnsOf('proxy');
  return (r) => {
    if (r.chance(travelShare)) return at(r.pick(vpns), r.int(0, 65000));
    return r.pick(homes);
  };
}

/** Rotating exits in proxy/datacenter ASNs; `leakShare` of requests escape the proxy from the true origin. */
export function proxyRotation(asns: readonly number[], leakShare: number, leakAsns: readonly number[]): NetworkPicker {
  return (r) => {
    if (leakAsns.length > 0 && r.chance(leakShare)) return at(asnInfo(r.pick(leakAsns)), r.int(0, 65000));
    return at(asnInfo(r.pick(asns)), r.int(0, 65000));
  };
}
