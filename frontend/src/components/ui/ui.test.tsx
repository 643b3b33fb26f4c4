import {describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {useState} from 'react'
import {ChoiceCards, PolicyViewer, RiskGauge, SeverityBadge, Table, Tabs, riskBand, sortRows, type Column} from '.'

interface Row {
  name: string
  score: number
}
const rows: Row[] = [
  {name: 'beta', score: 2},
  {name: 'alpha', score: 10},
  {name: 'gamma', score: 1},
]
const columns: Column<Row>[] = [
  {id: 'name', header: 'Name', cell: (r) => r.name, sortValue: (r) => r.name},
  {id: 'score', header: 'Score', cell: (r) => r.score, sortValue: (r) => r.score},
]
const names = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[0]!.textContent)

describe('Table', () => {
  it('sorts by a column and toggles direction', async () => {
    const user = userEvent.setup()
    render(<Table caption="t" columns={columns} rows={rows} rowKey={(r) => r.name} />)
    expect(names()).toEqual(['beta', 'alpha', 'gamma'])
    await user.click(screen.getByRole('button', {name: 'Score'}))
    expect(names()).toEqual(['gamma', 'beta', 'alpha'])
    expect(screen.getByRole('columnheader', {name: 'Score'})).toHaveAttribute('aria-sort', 'ascending')
    await user.click(screen.getByRole('button', {name: 'Score'}))
    expect(names()).toEqual(['alpha', 'beta', 'gamma'])
    expect(screen.getByRole('columnheader', {name: 'Score'})).toHaveAttribute('aria-sort', 'descending')
  })

  it('sortRows keeps ties in input order', () => {
    const tied = [
      {name: 'a', score: 1},
      {name: 'b', score: 1},
      {name: 'c', score: 0},
    ]
    expect(sortRows(tied, (r) => r.score, 'asc').map((r) => r.name)).toEqual(['c', 'a', 'b'])
    expect(sortRows(tied, (r) => r.score, 'desc').map((r) => r.name)).toEqual(['a', 'b', 'c'])
  })
})

describe('Tabs', () => {
  function Harness({onChange}: {onChange: (id: string) => void}) {
    const [v, setV] = useState<'a' | 'b' | 'c'>('a')
    return (
      <Tabs
        label="sections"
        items={[
          {id: 'a', label: 'A'},
          {id: 'b', label: 'B'},
          {id: 'c', label: 'C'},
        ]}
        value={v}
        onChange={(id) => {
          setV(id)
          onChange(id)
        }}
        panel={<p>panel {v}</p>}
      />
    )
  }
  it('moves with the arrow keys and wraps', async () => {
    const user = userEvent.setup()
    const onChange = vi.fn()
    render(<Harness onChange={onChange} />)
    await user.click(screen.getByRole('tab', {name: 'A'}))
    await user.keyboard('{ArrowLeft}')
    expect(screen.getByRole('tab', {name: 'C'})).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('tab', {name: 'C'})).toHaveFocus()
    await user.keyboard('{Home}')
    expect(screen.getByRole('tabpanel')).toHaveTextContent('panel a')
    expect(onChange).toHaveBeenLastCalledWith('a')
  })
})

describe('RiskGauge', () => {
  it.each([
    {score: -5, now: 0, band: 'low'},
    {score: 29.6, now: 30, band: 'medium'},
    {score: 60, now: 60, band: 'high'},
    {score: 250, now: 100, band: 'critical'},
    {score: Number.NaN, now: 0, band: 'low'},
  ])('score $score shows $now ($band)', ({score, now, band}) => {
    render(<RiskGauge score={score} />)
    const meter = screen.getByRole('meter', {name: 'Risk score'})
    expect(meter).toHaveAttribute('aria-valuenow', String(now))
    expect(meter).toHaveAttribute('aria-valuetext', `${now} of 100, ${band}`)
    expect(meter).toHaveTextContent(band)
  })
  it('riskBand boundaries', () => {
    expect([0, 24, 25, 49, 50, 74, 75, 100].map(riskBand)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical'])
  })
})

describe('SeverityBadge', () => {
  it.each(['critical', 'high', 'medium', 'low', 'info'] as const)('names %s in words', (s) => {
    render(<SeverityBadge severity={s} />)
    expect(screen.getByText(s)).toBeInTheDocument()
  })
})

describe('PolicyViewer', () => {
  it('renders the JSON verbatim with coloured keys and one line number per line', () => {
    const json = '{\n  "Version": "2012-10-17"\n}'
    render(<PolicyViewer json={json} label="Canonical policy" />)
    expect(screen.getByTestId('policy-viewer').textContent).toBe(json)
    expect(screen.getByText('"Version"')).toHaveClass('text-tok-key')
    expect(screen.getByText('"2012-10-17"')).toHaveClass('text-tok-string')
    expect(screen.getByRole('figure', {name: 'Canonical policy'})).toHaveTextContent(/^123/)
  })

  it('does not number the empty line after a final newline', () => {
    render(<PolicyViewer json={'{}\n'} label="p" />)
    expect(screen.getByTestId('policy-viewer').textContent).toBe('{}')
    expect(screen.getByRole('figure', {name: 'p'})).toHaveTextContent(/^1\{\}$/)
  })
})

describe('ChoiceCards', () => {
  const choices = [
    {id: 'one', label: 'One', hint: 'the first'},
    {id: 'two', label: 'Two', hint: 'the second'},
  ] as const
  function Picker({error}: {error?: string}) {
    const [value, setValue] = useState<'one' | 'two'>('one')
    return <ChoiceCards legend="Pick" name="pick" choices={[...choices]} value={value} onChange={setValue} columns={2} error={error} />
  }

  it('is a named radio group whose cards select by label', async () => {
    const user = userEvent.setup()
    render(<Picker />)
    const group = screen.getByRole('radiogroup', {name: 'Pick'})
    expect(within(group).getByRole('radio', {name: /One/})).toBeChecked()
    await user.click(screen.getByText('the second'))
    expect(within(group).getByRole('radio', {name: /Two/})).toBeChecked()
    expect(within(group).getByRole('radio', {name: /One/})).not.toBeChecked()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('announces its error', () => {
    render(<Picker error="choose one" />)
    expect(screen.getByRole('alert')).toHaveTextContent('choose one')
  })
})
