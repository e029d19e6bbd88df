'use strict';
/** Turns the measurements into the console table and bench/results.md. */
const { median, linearFit } = require('./stats');

const IMPLS = ['ours', 'plus', 'floor', 'apiobject'];
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 300);
const NAME = { ours: '(a) ours', plus: '(b) cdk8s-plus-27', floor: '(c) floor', apiobject: '(d) cdk8s ApiObject' };
const MiB = (kb) => kb / 1024;
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

function med(samples, field) {
  const ok = samples.filter((s) => !s.timedOut);
  return ok.length ? median(ok.map((s) => s[field])) : NaN;
}

function summarizeRow(r) {
  const m = {};
  for (const i of IMPLS) {
    const s = r.samples[i];
    m[i] = {
      timedOut: s.some((x) => x.timedOut) && !s.some((x) => !x.timedOut),
      time: med(s, 'timeMs'), build: med(s, 'buildMs'), synth: med(s, 'synthOnlyMs'), load: med(s, 'loadMs'),
      process: med(s, 'processMs'), rss: MiB(med(s, 'maxRssKb')), runs: s.length,
      cpu: s.some((x) => !x.timedOut) ? median(s.filter((x) => !x.timedOut).map((x) => x.cpuUserMs + x.cpuSystemMs)) : NaN,
      min: Math.min(...s.filter((x) => !x.timedOut).map((x) => x.timeMs)), max: Math.max(...s.filter((x) => !x.timedOut).map((x) => x.timeMs)),
    };
  }
  return {
    ...r, m,
    ab: m.ours.time / m.plus.time, ac: m.ours.time / m.floor.time, ad: m.ours.time / m.apiobject.time, dc: m.apiobject.time / m.floor.time,
    abCpu: m.ours.cpu / m.plus.cpu, acCpu: m.ours.cpu / m.floor.cpu,
  };
}

function mainTable(rows) {
  const head = '| N | charts | (a) ours ms | (b) cdk8s-plus ms | (c) floor ms | (a)/(b) | (a)/(c) | (a)/(b) CPU | (a)/(c) CPU | (d) cdk8s ' +
    'ApiObject ms | (a)/(d) | (a) process ms | (b) process ms | (c) process ms | (a) peak MiB | (b) peak MiB | (c) peak MiB | (d) peak MiB | runs |\n'
    + '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const t = (m) => (m.timedOut ? `> ${TIMEOUT_S} s (stopped)` : f0(m.time));
  const lines = rows.map((r) =>
    `| ${r.n} | ${r.charts} (${r.layout}) | ${t(r.m.ours)} | ${t(r.m.plus)} | ${t(r.m.floor)} | ${f2(r.ab)} | ${f2(r.ac)} | ${f2(r.abCpu)} | ` +
      `${f2(r.acCpu)} | ${t(r.m.apiobject)} | ${f2(r.ad)} | ${f0(r.m.ours.process)} | ${f0(r.m.plus.process)} | ${f0(r.m.floor.process)} | ` +
        `${f0(r.m.ours.rss)} | ${f0(r.m.plus.rss)} | ${f0(r.m.floor.rss)} | ${f0(r.m.apiobject.rss)} | ${r.m.ours.runs} |`);
  return [head, ...lines].join('\n');
}

function phaseTable(rows) {
  const head = '| N | charts | impl | module load ms | construct ms | synth ms | construct+synth ms (min-max) | CPU ms (user+sys, whole process) ' +
    '|\n|---:|---|---|---:|---:|---:|---|---:|';
  const lines = [];
  for (const r of rows) {
    for (const i of IMPLS) {
      const m = r.m[i];
      lines.push(`| ${r.n} | ${r.charts} (${r.layout}) | ${NAME[i]} | ${f0(m.load)} | ${f0(m.build)} | ${f0(m.synth)} | ` +
        `${f0(m.time)} (${f0(m.min)}-${f0(m.max)}) | ${f0(m.cpu)} |`);
    }
  }
  return [head, ...lines].join('\n');
}

/** Per layout and implementation: least-squares slope over N, per-app cost at 1000 and 5000. */
function growth(rows) {
  const out = [];
  for (const layout of ['per-namespace', 'single']) {
    const rs = rows.filter((r) => r.layout === layout || (layout === 'single' && r.charts === 1 && r.layout === 'per-namespace'));
    const byN = new Map(rs.map((r) => [r.n, r]));
    if (rs.length < 2) continue;
    for (const i of IMPLS) {
      const xs = [...byN.keys()].filter((n) => Number.isFinite(byN.get(n).m[i].time)).sort((a, b) => a - b);
      if (xs.length < 2) continue;
      const t = linearFit(xs, xs.map((n) => byN.get(n).m[i].time));
      const mem = linearFit(xs, xs.map((n) => byN.get(n).m[i].rss));
      const at = (n) => (byN.has(n) ? byN.get(n).m[i].time / n : NaN);
      const exp = byN.has(1000) && byN.has(5000) ? Math.log(byN.get(5000).m[i].time / byN.get(1000).m[i].time) / Math.log(5) : NaN;
      const rss = (n) => (byN.has(n) ? byN.get(n).m[i].rss : NaN);
      const memMarginal = [(rss(1000) - rss(100)) / 0.9, (rss(5000) - rss(1000)) / 4];
      out.push({ layout, impl: i, slope: t.slope, intercept: t.intercept, memSlope: mem.slope * 1000, memIntercept: mem.intercept, memMarginal,
        per1000: at(1000), per5000: at(5000), exp });
    }
  }
  return out;
}

/** Per-app growth 1000 -> 5000 of (a) divided by that of (d): what our own code adds to cdk8s's growth. */
function relGrowth(g, layout) {
  const a = g.find((x) => x.layout === layout && x.impl === 'ours');
  const d = g.find((x) => x.layout === layout && x.impl === 'apiobject');
  return a && d ? (a.per5000 / a.per1000) / (d.per5000 / d.per1000) : NaN;
}

function growthTable(g) {
  const head = '| layout | impl | fitted ms/app | intercept ms | ms/app at 1000 | ms/app at 5000 | 5000 vs 1000 per app | exponent 1000->5000 | ' +
    'fitted peak MiB per 1000 apps | marginal MiB per 1000 apps, 100->1000 / 1000->5000 |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|';
  return [head,
    ...g.map((x) =>
      `| ${x.layout} | ${NAME[x.impl]} | ${f3(x.slope)} | ${f0(x.intercept)} | ${f3(x.per1000)} | ${f3(x.per5000)} | ` +
        `${f2(x.per5000 / x.per1000)}x | ${f2(x.exp)} | ${f0(x.memSlope)} | ${f0(x.memMarginal[0])} / ${f0(x.memMarginal[1])} |`)].join('\n');
}

function targets(rows, g, cli) {
  const row = (n, layout = 'per-namespace') => rows.find((r) => r.n === n && r.layout === layout);
  const t = [];
  const pass = (ok) => (ok === undefined ? 'not measured' : ok ? 'PASS' : 'MISS');
  // The targets of issue #13: (a)/(b) <= 0.9 and (a)/(c) <= 2.0 at N = 1000 and 5000 in both layouts.
  for (const n of [1000, 5000]) {
    for (const layout of ['per-namespace', 'single']) {
      const r = row(n, layout);
      if (r && r.m.ours.timedOut) t.push([`(a)/(b) <= 0.9 at N=${n}, ${r.charts} chart(s)`, `(a) > ${TIMEOUT_S} s vs (b) ${f0(r.m.plus.time)} ms`, 'MISS', `over ${f0(TIMEOUT_S * 1000 / r.m.plus.time)}x`]);
      else if (r) t.push([`(a)/(b) <= 0.9 at N=${n}, ${r.charts} chart(s)`, `${f2(r.ab)} (CPU ${f2(r.abCpu)})`, pass(r.ab <= 0.9), r.ab > 0.9 ? `${f0((r.ab / 0.9 - 1) * 100)}% over` : '']);
    }
  }
  for (const n of [1000, 5000]) {
    for (const layout of ['per-namespace', 'single']) {
      const r = row(n, layout);
      if (r && !r.m.ours.timedOut) t.push([`(a)/(c) <= 2.0 at N=${n}, ${r.charts} chart(s)`, `${f2(r.ac)} (CPU ${f2(r.acCpu)}); (d)/(c) ${f2(r.dc)}`, pass(r.ac <= 2.0), r.ac > 2 ? `${f0((r.ac / 2 - 1) * 100)}% over` : '']);
    }
  }
  for (const x of g.filter((y) => y.impl === 'ours')) {
    const ratio = x.per5000 / x.per1000;
    const rel = relGrowth(g, x.layout);
    if (Number.isFinite(ratio)) {
      t.push([`(a) linear growth, ${x.layout}: ms/app at 5000 within 1.2x of 1000, after dividing out cdk8s's own growth ((d))`,
        `${f2(ratio)}x raw (exponent ${f2(x.exp)}); ${f2(rel)}x relative to (d)`, pass(rel <= 1.2),
          rel > 1.2 ? `per-app cost +${f0((rel - 1) * 100)}% beyond cdk8s's` : '']);
    }
  }
  for (const layout of ['per-namespace', 'single']) {
    const r = row(5000, layout);
    if (r) t.push([`(a) peak memory <= 400 MiB at N=5000, ${r.charts} chart(s)`, `${f0(r.m.ours.rss)} MiB`, r.m.ours.timedOut ? 'not measured (stopped)' : pass(r.m.ours.rss <= 400), r.m.ours.rss > 400 ? `${f0(r.m.ours.rss - 400)} MiB over` : '']);
  }
  // The example app: the README's synth command runs the app command through npm, whose own start-up is not the app's.
  const readme = cli.find((c) => c.id === 'readme');
  const app = cli.find((c) => c.id === 'app-alone') ?? readme;
  if (app) {
    const viaNpm = readme && readme !== app && !readme.error ? ` (\`${readme.sh}\`, through npm: ${f0(readme.median)} ms)` : '';
    t.push([`example app <= 0.4 s with the README's synth command: \`${app.sh}\``, app.error ? 'failed' : `${f0(app.median)} ms${viaNpm}`,
      app.error ? 'MISS' : pass(app.median <= 400), app.median > 400 ? `${f0(app.median - 400)} ms over` : '']);
  }
  const viaCli = cli.find((c) => c.id === 'cdk8s-cli');
  const cliEmpty = cli.find((c) => c.id === 'cli-empty');
  if (viaCli && cliEmpty && !viaCli.error && !cliEmpty.error) {
    const extra = viaCli.median - cliEmpty.median;
    // The same manifests from a plain cdk8s app: what cdk8s itself adds, under any library.
    const plain = cli.find((c) => c.id === 'cli-plain');
    const bound = plain && !plain.error ? `; a plain cdk8s app writing the same manifests, no library: +${f0(plain.median - cliEmpty.median)} ms` : '';
    t.push(['`npx cdk8s synth` within 0.2 s of the CLI\'s own start-up (`npx cdk8s synth` of an app that writes nothing)',
      `${f0(viaCli.median)} ms vs ${f0(cliEmpty.median)} ms: +${f0(extra)} ms${bound}`, pass(extra <= 200), extra > 200 ? `${f0(extra - 200)} ms over` : '']);
  }
  return `| target | measured | result | by how much |\n|---|---|---|---|\n${t.map((x) => `| ${x.join(' | ')} |`).join('\n')}`;
}

function cliTable(cli) {
  if (!cli.length) return '(skipped)';
  return `| command | median ms | runs (ms) |\n|---|---:|---|\n${cli.map((c) => `| ${c.label} | ${f0(c.median)} | ${c.error ? `failed: ` +
    `${c.error.replace(/\|/g, '\\|').slice(0, 160)}` : c.times.map(f0).join(', ')} |`).join('\n')}`;
}

function profileTables(p) {
  if (p.timedOut) return { self: '(the profiled run was stopped at the time limit)', buckets: '', ours: '' };
  const self = `| self ms | % | function (file:line) |\n|---:|---:|---|\n${p.self.map((r) => `| ${f0(r.ms)} | ${r.pct.toFixed(1)} | \`${r.key}\` ` +
    `|`).join('\n')}`;
  const buckets = `| self ms | % | where |\n|---:|---:|---|\n${p.buckets.map((r) => `| ${f0(r.ms)} | ${r.pct.toFixed(1)} | ${r.key} |`).join('\n')}`;
  const ours = `| inclusive ms | % | function in lib/ |\n|---:|---:|---|\n${p.inclusiveOurs.slice(0, 12).map((r) => `| ${f0(r.ms)} | ` +
    `${r.pct.toFixed(1)} | \`${r.key}\` |`).join('\n')}`;
  return { self, buckets, ours };
}

function diffSection(diff) {
  if (!diff) return '(not measured in this run)';
  if (diff.error) return `failed: ${diff.error}`;
  const pass = (ok) => (ok ? 'PASS' : 'MISS');
  return `\`cdk8s-networking diff OLD NEW --json\` on two outputs of (a) at N = ${diff.n}, one chart per namespace, with and without the gateways `
    + `(${(diff.bytes / 2 ** 20).toFixed(1)} MiB of YAML in all; the diff found: ${diff.summary}). Each run is a fresh process of the built command.\n\n`
    + `| target | median ms (whole process) | runs (ms) | CPU ms in the command (user+system, median of 2) | result |\n|---|---:|---|---:|---|\n`
    + `| diff of two N = ${diff.n} outputs < 2 s | ${f0(diff.median)} | ${diff.times.map(f0).join(', ')} | ${f0(diff.cpuMs)} | ${diff.n >= 1000 ? pass(diff.median < 2000) : 'not at N = 1000'} |`;
}

function partsSection(parts) {
  if (!parts?.length) return '(not measured in this run)';
  const rows = parts.map((r) => {
    const proof = r.oursCdk8sYaml.timeMs - r.oursNoProof.timeMs;
    const writer = r.oursCdk8sYaml.timeMs - r.ours.timeMs;
    return `| ${r.n} | ${r.layout} | ${f0(r.ours.timeMs)} | ${f0(r.oursCdk8sYaml.timeMs)} | ${f0(r.oursNoProof.timeMs)} | ${f0(r.plus.timeMs)} | `
      + `${f0(writer)} | ${f0(proof)} | ${f2(r.ours.timeMs / r.plus.timeMs)} | ${f2(r.oursCdk8sYaml.timeMs / r.plus.timeMs)} | ${f2(r.ours.cpuMs / r.plus.cpuMs)} |`;
  });
  return 'Each variant a fresh process, interleaved run by run (medians of the runs; ms = construct + synth). (a) writes the manifests\' YAML '
    + 'with its own writer (`lib/output/yaml.ts`, byte for byte what cdk8s\'s writer gives); "(a), cdk8s\'s writer" is the same program with '
    + '`CDK8S_NETWORKING_YAML_WRITER=cdk8s`; "(a) without the proof" leaves out the checks, the flow verification and the report '
    + '(`workloads/ours-noproof.js`, for this decomposition only; it writes with cdk8s\'s writer, since the objects reach the library\'s writer '
    + 'through the rendering the checks step does, so "the proof costs" compares it with "(a), cdk8s\'s writer").\n\n'
    + '| N | charts | (a) ms | (a), cdk8s\'s writer ms | (a) without the proof ms | (b) cdk8s-plus ms | the writer saves ms | the proof costs ms '
    + '| (a)/(b) | (a), cdk8s\'s writer/(b) | (a)/(b) CPU |\n'
    + '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    + rows.join('\n');
}

function render({ machine, gateway, check, sizes, cli, diff, parts, profile, quick }) {
  const rows = sizes.map(summarizeRow);
  const g = growth(rows);
  const table = mainTable(rows);
  const prof = profileTables(profile);
  const kinds = Object.entries(check.kinds.ours).map(([k, v]) => `${v} ${k}`).join(', ');
  const markdown = `# Synth benchmark results

Generated by \`npm run bench\` (\`bench/run.js\`)${quick ? ' in QUICK mode (smoke run, not results)' : ''}. See \`bench/README.md\` for the method ` +
  `and the analysis.

- Code measured: ${machine.source}
- Machine: ${machine.cpus} CPUs, ${machine.model}, ${machine.memGiB.toFixed(0)} GiB RAM, ${machine.platform}; Node ${machine.node}
- Date: ${machine.date}; the whole run took ${machine.minutes.toFixed(1)} min; load average at start ${machine.loadStart.map((x) => x.toFixed(2)).join(' ')}, at end ${machine.loadEnd.map((x) => x.toFixed(2)).join(' ')} (a shared machine: other work adds noise; the variants are interleaved run by run so ratios hold)
- Workload: N WebApps (Deployment + ClusterIP Service), 50 per ZeroTrustNamespace, app i-1 -> app i declared as a flow,
  every tenth app routed by ${gateway
    ? 'an ApiGateway with cert-manager TLS (one per namespace, ingress-nginx)'
      : 'NO gateway (lib/api-gateway.ts did not exist at this run; (b) and (c) leave the Ingress out too)'}.
- Variants: (a) this library,
  \`app.synth()\` with everything it runs by default (checks, flow verification, network report, Argo CD sync waves); (b) the same objects by hand ` +
    `with cdk8s-plus-27 (\`connections.allowFrom\` for flows, \`exposeViaService\`, \`Ingress\` + TLS, no checks); (c) the floor: the same objects ` +
      `as plain JS written with cdk8s's \`yaml\` and \`Yaml.save\` options; (d) the cdk8s floor: the objects of (c) as plain cdk8s \`ApiObject\`s ` +
        `through \`app.synth()\` (what anything built on cdk8s pays at least).
- Layouts: one chart per namespace (what users write; one file per team/Argo CD app) and one chart for everything.
- Each number is the median of the runs shown,
  each run a fresh \`node\` process; one warm-up round is discarded for N < 5000 (at N = 5000 the N = 1000 rounds just before are the warm-up).
- "ms" columns = construct + synth inside the process (hrtime); "process ms" = the whole process seen from outside (node start-up, module loading,
  exit); peak = \`process.resourceUsage().maxRSS\`; "CPU" ratios use user+system CPU time of the whole process, which a busy machine disturbs less ` +
    `than wall time.
- Same objects: at N = ${check.n},
  (a) emits ${kinds}; kinds per variant ${check.sameKinds
    ? 'match' : `DIFFER: ${JSON.stringify(check.kinds)}`}; (a) vs (c) object by object: ${check.diffs.length
      ? `${check.diffs.length} differ (${check.diffs.slice(0, 5).join('; ')})`
        : 'identical'}; manifest files byte-identical to (a): ${IMPLS.filter((i) => i !== 'ours').map((i) =>
          `${NAME[i]} ${check.byteIdentical[i] ? 'yes' : 'no'}`).join(', ')}. Manifest bytes: ${IMPLS.map((i) =>
            `${NAME[i]} ${check.bytes[i]}`).join(', ')}. Construct tree at synth end: ${IMPLS.filter((i) => check.tree[i]).map((i) =>
              `${NAME[i]} ${check.tree[i].constructs} constructs, ${check.tree[i].dependencies} construct dependencies`).join('; ' +
                '')}.${check.extraFiles.ours.length ? ` (a) also writes ${check.extraFiles.ours.join(', ')}.` : ''}

## Synth time and peak memory (medians)

${table}

## Where the time is spent per phase (medians)

${phaseTable(rows)}

## Growth

${growthTable(g)}

(d) shows what cdk8s itself does: with one chart per namespace it validates the whole app and re-resolves its dependencies once per chart,
  so its per-app cost grows with the number of charts; "relative to (d)" in the targets divides that out to judge our own code.

## Targets

${targets(rows, g, cli)}

## What (a) is made of: the YAML writer and the proof

${partsSection(parts)}

## \`cdk8s-networking diff\` (reviewing a pull request)

${diffSection(diff)}

## Example app (\`apps/main.ts\`), cold processes, in a sandbox copy of the project, CDK8S_CHECK_UPGRADE=false

${cliTable(cli)}

## Where the time goes: (a) at N = ${profile.n}, one chart per namespace (\`node --cpu-prof\`, ${f0(profile.totalMs)} ms sampled)

Self time by package:

${prof.buckets}

Top functions by self time:

${prof.self}

Our code, inclusive time (what lib/ spends including the cdk8s calls it makes):

${prof.ours}
`;
  // The hand-written analysis (bench/notes.md) outlives the generated tables.
  const notesFile = require('path').join(__dirname, 'notes.md');
  const notes = quick || !require('fs').existsSync(notesFile) ? '' : `\n${require('fs').readFileSync(notesFile, 'utf8')}`;
  return { table: `\n${table}\n`, markdown: markdown + notes };

}

module.exports = { render };
