// `access matrix`: every role and zone against every service, allowed or denied on the
// service's first port, with the rule that decides (the same answer `access check` gives).
import type { Enforcement } from './check.js';
import { decider, portText } from './flows.js';
import type { Endpoint } from './model.js';

export interface MatrixCell {
  readonly allowed: boolean;
  readonly port: string;
  /** Deciding policy rule id per hop (`default deny` when none matches). */
  readonly rule: string;
  /** file:line of the deciding rule where one decides the verdict. */
  readonly source: string | null;
}

export interface MatrixRow {
  readonly from: string;
  readonly cells: readonly MatrixCell[];
}

export interface AccessMatrix {
  /** The site the zone rows belong to. */
  readonly site: string;
  readonly kind: string;
  readonly services: readonly string[];
  readonly rows: readonly MatrixRow[];
}

/** One matrix per site asked for; without one, a site of each kind stands for its kind. */
export function accessMatrix(enf: Enforcement, siteCode?: string): AccessMatrix[] {
  const sites = siteCode
    ? enf.sites.filter((s) => s.code === siteCode)
    : enf.sites.filter((s, i, all) => all.findIndex((x) => x.kind === s.kind) === i);
  if (siteCode && !sites.length) throw new Error(`unknown site ${siteCode}`);
  const decide = decider(enf);
  const services = enf.inventory.org.services;
  return sites.map((site) => {
    const sources: Endpoint[] = [...[...enf.pools.keys()].map((name) => ({ kind: 'role' as const, name })), ...site.zones.map((z) => ({ kind: 'zone' as const, name: z.name }))];
    const rows = sources.map((from) => ({
      from: `${from.kind}:${(from as { name: string }).name}`,
      cells: services.map((s): MatrixCell => {
        const port = s.ports[0]!;
        const a = decide(from, { kind: 'service', name: s.name }, port, site.code);
        // The hop that denies decides a denial; the last hop decides an allowance.
        const deciding = a.allowed ? a.hops[a.hops.length - 1] : a.hops.find((h) => !h.allowed);
        const o = deciding?.rule?.origin;
        return {
          allowed: a.allowed,
          port: portText(port),
          rule: a.hops.map((h) => (h.rule ? h.rule.origin?.rule ?? h.rule.id : 'default deny')).join(' + ') || 'no hop',
          source: o ? `${o.file}:${o.line}` : null,
        };
      }),
    }));
    return { site: site.code, kind: site.kind, services: services.map((s) => s.name), rows };
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One self-contained page: inline CSS, no script, no external resource. */
export function matrixHtml(matrices: readonly AccessMatrix[], title: string): string {
  const tables = matrices
    .map((m) => {
      const head = `<tr><th>from \\ to</th>${m.services.map((s) => `<th><span>${esc(s)}</span></th>`).join('')}</tr>`;
      const body = m.rows
        .map(
          (r) =>
            `<tr><th>${esc(r.from)}</th>${r.cells
              .map((c) => `<td class="${c.allowed ? 'allow' : 'deny'}" title="${esc(`${c.port}: ${c.rule}${c.source ? ` (${c.source})` : ''}`)}">${c.allowed ? 'allow' : 'deny'}<small>${esc(c.rule)}</small></td>`)
              .join('')}</tr>`,
        )
        .join('\n');
      // The table scrolls inside its own box, headers held in place, so the page fits the window.
      return `<h2>Site ${esc(m.site)} (${esc(m.kind)})</h2>\n<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}
.scroll{max-width:100%;max-height:80vh;overflow:auto;margin-bottom:2em;border:1px solid #ccc}
table{border-collapse:separate;border-spacing:0}
th,td{border:1px solid #ccc;padding:3px 4px;text-align:center;vertical-align:top}
td{max-width:6.5em;overflow-wrap:anywhere}
th{background:#f4f4f4;font-weight:600}
thead th{position:sticky;top:0;z-index:1;vertical-align:bottom}
thead th span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
tr>th:first-child{text-align:left;white-space:nowrap;position:sticky;left:0;z-index:2}
thead tr>th:first-child{z-index:3}
td.allow{background:#d9f2d9;color:#135e13}
td.deny{background:#f8dede;color:#8a1c1c}
td small{display:block;font-size:10px;color:#555}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Each cell: can the row reach the column's service on its first port, and which rule decides (hover for the port and the rule's file:line). Roles cross the VPN gateway; zones cross their site's firewall.</p>
${tables}
</body></html>
`;
}
