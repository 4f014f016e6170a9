import type { NetworkFields, NetworkPicker } from '../network.ts';
import type { Rng } from '../random.ts';
import {
  CLOUD_ASNS,
  CLOUD_REGIONS,
  CORPORATE_ASNS,
  GLOBAL_CORPORATE_ASN,
  MOBILE_ASNS,
  type NetworkType,
  RESIDENTIAL_ASNS,
  RESTRICTED_COUNTRIES,
  TIMEZONES,
  USER_AGENT_FAMILIES,
  VPN_ASNS,
} from './attributes.ts';

/** How a segment leans within the shared attribute space; attack keys draw a benign segment's lean at its key share. */
export interface ContextTilt {
  network: Readonly<Record<NetworkType, number>>;
  /** Probability the key is brand new: created in the span or in the week before. */
  newKey: number;
  /** Weights over ORG_SIZES. */
  orgSizes: readonly number[];
  /** Probability the traffic comes from a country other than the billing one (a foreign cloud region, a team abroad). */
  foreignRegion: number;
  /** Probability some requests come from staff travelling (a few percent of them in unsupported regions). */
  travel: number;
  /** Probability cloud egress rotates (serverless functions). */
  rotatingCloud: number;
}

const ORG_SIZES = [1, 2, 3, 5, 8, 12, 20, 30, 45, 60] as const;

const BILLING: readonly (readonly [string, number])[] = [
  ['US', 30],
  ['GB', 8],
  ['DE', 8],
  ['IN', 8],
  ['JP', 6],
  ['FR', 5],
  ['BR', 4],
  ['CA', 4],
  ['SG', 4],
  ['KR', 4],
  ['NL', 3],
  ['ES', 3],
];

const TRAVEL_DESTINATIONS = ['US', 'GB', 'DE', 'FR', 'JP', 'SG', 'AE', 'MX', 'CH', 'ES', 'IN', 'BR'] as const;

/** Everything about a key that is not behaviour: drawn from one distribution for benign and attack keys. */
export interface KeyContext {
  networkType: NetworkType;
  egress: 'fixed' | 'rotating' | 'users';
  billingCountry: string;
  regionCountry: string;
  travelShare: number;
  /** Days the key existed before the span start; negative: created that many days into the span. */
  keyAgeDays: number;
  orgKeys: number;
  userAgents: string[];
  tsFormat: 'rfc3339' | 'epoch';
  /** Offset of the customer's local day from UTC. */
  tz: number;
  network: NetworkPicker;
}

/** A stable /16 per ASN, different from the classic simulator's mapping. */
function ipIn(asn: number, host: number): string {
  const a = 23 + (((asn * 2654435761) >>> 0) % 170);
  const b = ((asn * 40503) >>> 0) % 256;
  const h = host % 65000;
  return `${a === 127 ? 128 : a}.${b}.${h >>> 8}.${Math.min((h & 255) + 1, 254)}`;
}

const at = (asn: number, country: string, host: number): NetworkFields => ({
  client_ip: ipIn(asn, host),
  client_asn: asn,
  client_country: country,
});

function accessAsns(type: 'residential' | 'mobile' | 'corporate', country: string): readonly number[] {
  if (type === 'corporate') return CORPORATE_ASNS[country] ?? [GLOBAL_CORPORATE_ASN];
  const table = type === 'mobile' ? MOBILE_ASNS : RESIDENTIAL_ASNS;
  return table[country] ?? RESIDENTIAL_ASNS[country] ?? RESIDENTIAL_ASNS.US!;
}

/** Fixed hosts, a rotating pool, or many end users, in the ASNs of the key's network type. */
function basePicker(rng: Rng, type: NetworkType, egress: KeyContext['egress'], country: string): NetworkPicker {
  if (type === 'vpn') {
    const exits = rng.shuffle(VPN_ASNS).slice(0, rng.int(1, 3));
    if (egress === 'rotating') return (r) => at(...pair(r.pick(exits)), r.int(0, 64999));
    const hosts = exits.map(([asn, c]) => at(asn, c, rng.int(0, 64999)));
    return (r) => r.pick(hosts);
  }
  const asns = type === 'cloud' ? rng.shuffle(CLOUD_ASNS).slice(0, rng.int(1, 2)) : accessAsns(type, country);
  if (egress === 'rotating') return (r) => at(r.pick(asns), country, r.int(0, 64999));
  if (egress === 'users') return endUsers(rng, asns, country);
  const hosts = Array.from({ length: rng.int(1, type === 'cloud' ? 8 : 3) }, () =>
    at(rng.pick(asns), country, rng.int(0, 64999)),
  );
  return (r) => r.pick(hosts);
}

/** Hundreds to thousands of end users, each with a stable address derived on demand (no list kept per key). */
function endUsers(rng: Rng, asns: readonly number[], country: string): NetworkPicker {
  const users = Math.round(rng.logNormal(300, 1)) + 20;
  const salt = rng.nextUint32();
  return (r) => {
    const user = Math.imul((r.int(0, users - 1) + salt) | 0, 2654435761) >>> 0;
    return at(asns[user % asns.length]!, country, (user >>> 8) % 65000);
  };
}

function pair(p: readonly [number, string]): [number, string] {
  return [p[0], p[1]];
}

/** Staff abroad: hotel, mobile and home networks in a few countries, occasionally an unsupported one. */
function withTravel(rng: Rng, base: NetworkPicker, share: number): NetworkPicker {
  if (share <= 0) return base;
  const places = Array.from({ length: rng.int(1, 3) }, () =>
    rng.chance(0.06) ? rng.pick(RESTRICTED_COUNTRIES.slice(0, 2)) : rng.pick(TRAVEL_DESTINATIONS),
  );
  return (r) => {
    if (!r.chance(share)) return base(r);
    const country = r.pick(places);
    return at(r.pick(accessAsns(r.chance(0.5) ? 'mobile' : 'residential', country)), country, r.int(0, 64999));
  };
}

function egressFor(rng: Rng, type: NetworkType, tilt: ContextTilt): KeyContext['egress'] {
  switch (type) {
    case 'cloud':
      return rng.chance(tilt.rotatingCloud) ? 'rotating' : 'fixed';
    case 'residential':
      return rng.weighted([
        ['fixed', 55],
        ['users', 30],
        ['rotating', 15],
      ] as const);
    case 'mobile':
      return rng.chance(0.6) ? 'rotating' : 'users';
    case 'corporate':
      return 'fixed';
    case 'vpn':
      return rng.chance(0.6) ? 'rotating' : 'fixed';
  }
}

function keyAge(rng: Rng, tilt: ContextTilt, spanDays: number): number {
  if (rng.chance(tilt.newKey)) return rng.chance(0.5) ? -rng.uniform(0, spanDays * 0.5) : rng.uniform(0, 7);
  return rng.weighted([
    [rng.uniform(7, 60), 3],
    [rng.uniform(60, 365), 4],
    [rng.uniform(365, 1500), 3],
  ] as const);
}

function userAgents(rng: Rng): string[] {
  return Array.from({ length: rng.chance(0.3) ? 2 : 1 }, () => {
    const [name, versions] = rng.pick(USER_AGENT_FAMILIES);
    return `${name}/${rng.pick(versions)}`;
  });
}

/** Draws one key's context from a tilt; every key of the family goes through here. */
export function drawContext(rng: Rng, tilt: ContextTilt, spanDays: number): KeyContext {
  const networkType = rng.weighted(Object.entries(tilt.network) as [NetworkType, number][]);
  const billingCountry = rng.weighted(BILLING);
  const foreign = rng.chance(tilt.foreignRegion);
  const regionCountry = foreign
    ? rng.pick(CLOUD_REGIONS.filter((c) => c !== billingCountry))
    : networkType === 'cloud' && rng.chance(0.3)
      ? rng.pick(CLOUD_REGIONS)
      : billingCountry;
  const egress = egressFor(rng, networkType, tilt);
  const travelShare = rng.chance(tilt.travel) ? rng.uniform(0.02, 0.3) : 0;
  const base = basePicker(rng, networkType, egress, regionCountry);
  return {
    networkType,
    egress,
    billingCountry,
    regionCountry,
    travelShare,
    keyAgeDays: keyAge(rng, tilt, spanDays),
    orgKeys: rng.weighted(ORG_SIZES.map((s, i) => [s, tilt.orgSizes[i] ?? 0] as const)),
    userAgents: userAgents(rng),
    tsFormat: rng.chance(0.5) ? 'rfc3339' : 'epoch',
    tz: TIMEZONES[billingCountry] ?? 0,
    network: withTravel(rng, base, travelShare),
  };
}

/** Attack keys: a benign segment's tilt picked at that segment's share of benign keys, then the same draw. */
export function drawSharedContext(
  rng: Rng,
  tilts: readonly (readonly [ContextTilt, number])[],
  spanDays: number,
): KeyContext {
  return drawContext(rng, rng.weighted(tilts), spanDays);
}
