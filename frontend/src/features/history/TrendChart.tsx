import type {AuditTrend} from '../../api'

const width = 640
const height = 200
const pad = {left: 36, right: 12, top: 12, bottom: 28}
// Distinct strokes for the account and its top principals, dashes too so
// colour is never the only cue.
const strokes = [
  {className: 'stroke-indigo-500', dash: ''},
  {className: 'stroke-rose-500', dash: '6 3'},
  {className: 'stroke-amber-500', dash: '2 3'},
  {className: 'stroke-emerald-500', dash: '8 3 2 3'},
]

/** TrendChart draws an account's risk score and its top principals' over its audits, oldest left. */
export function TrendChart({trend}: {trend: AuditTrend}) {
  const n = trend.points.length
  const x = (i: number) => pad.left + (n === 1 ? (width - pad.left - pad.right) / 2 : (i * (width - pad.left - pad.right)) / (n - 1))
  const y = (score: number) => pad.top + ((100 - score) * (height - pad.top - pad.bottom)) / 100
  const series = [
    {name: `Account ${trend.account}`, scores: trend.points.map((p) => p.riskScore)},
    ...trend.principals.map((p) => ({name: p.name, scores: p.scores})),
  ]
  // A principal that did not exist at a point breaks its line there.
  const segments = (scores: number[]) => {
    const out: string[] = []
    let cur: string[] = []
    scores.forEach((s, i) => {
      if (s < 0) {
        if (cur.length) out.push(cur.join(' '))
        cur = []
      } else cur.push(`${x(i).toFixed(1)},${y(s).toFixed(1)}`)
    })
    if (cur.length) out.push(cur.join(' '))
    return out
  }
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} className="w-full max-w-3xl" role="img" aria-label={`Risk scores of ${trend.account} over ${n} audits`}>
        {[0, 25, 50, 75, 100].map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="stroke-line" strokeWidth="1" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="fill-muted text-[10px]">
              {v}
            </text>
          </g>
        ))}
        {trend.points.map((p, i) => (
          <text key={p.id} x={x(i)} y={height - 8} textAnchor={n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle'} className="fill-muted text-[10px]">
            {String(p.createdAt).slice(5, 16).replace('T', ' ')}
          </text>
        ))}
        {series.map((s, si) => {
          const st = strokes[si % strokes.length]!
          return (
            <g key={s.name} data-series={s.name}>
              {segments(s.scores).map((pts) => (
                <polyline key={pts} points={pts} fill="none" className={st.className} strokeWidth={si === 0 ? 3 : 1.5} strokeDasharray={st.dash} />
              ))}
              {s.scores.map((v, i) =>
                v < 0 ? null : (
                  <circle key={i} cx={x(i)} cy={y(v)} r={si === 0 ? 4 : 3} className={`${st.className} fill-panel`} strokeWidth="2">
                    <title>{`${s.name}: ${v}`}</title>
                  </circle>
                ),
              )}
            </g>
          )
        })}
      </svg>
      <figcaption>
        <ul className="flex flex-wrap gap-4 text-xs" aria-label="Trend legend">
          {series.map((s, si) => {
            const st = strokes[si % strokes.length]!
            const last = [...s.scores].reverse().find((v) => v >= 0)
            return (
              <li key={s.name} className="flex items-center gap-2">
                <svg width="24" height="6" aria-hidden>
                  <line x1="0" x2="24" y1="3" y2="3" className={st.className} strokeWidth="2" strokeDasharray={st.dash} />
                </svg>
                {s.name}: {last ?? '–'}
              </li>
            )
          })}
        </ul>
      </figcaption>
    </figure>
  )
}
