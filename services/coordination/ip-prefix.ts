/** Expands `::` so an IPv6 address has its eight hextets (already validated by the event schema). */
function hextets(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
}

/**
 * The network a client address belongs to for linking: IPv4 /24, IPv6 /48 (one customer site),
 * IPv4-mapped IPv6 treated as IPv4.
 */
export function networkPrefix(ip: string): string {
  const lastDot = ip.lastIndexOf('.');
  if (lastDot >= 0) return `${ip.slice(ip.lastIndexOf(':') + 1, lastDot)}.0/24`;
  const groups = hextets(ip.toLowerCase()).slice(0, 3);
  return `${groups.map((g) => Number.parseInt(g || '0', 16).toString(16)).join(':')}::/48`;
}
