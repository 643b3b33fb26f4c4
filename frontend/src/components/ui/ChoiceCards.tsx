import {ErrorText} from './ErrorText'

export interface Choice<T extends string> {
  id: T
  label: string
  hint: string
}

export interface ChoiceCardsProps<T extends string> {
  /** The group's legend, also its accessible name. */
  legend: string
  /** The radio inputs' name. */
  name: string
  choices: Choice<T>[]
  value: T
  onChange: (id: T) => void
  /** Cards per row from the md breakpoint on. */
  columns: 2 | 3 | 4
  error?: string | undefined
}

const gridColumns = {2: 'md:grid-cols-2', 3: 'md:grid-cols-3', 4: 'md:grid-cols-4'} as const

/** ChoiceCards is a radio group drawn as glass cards, each with a label and a hint. */
export function ChoiceCards<T extends string>({legend, name, choices, value, onChange, columns, error}: ChoiceCardsProps<T>) {
  return (
    <fieldset className="md:col-span-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      <div className={`grid gap-2 ${gridColumns[columns]}`} role="radiogroup" aria-label={legend}>
        {choices.map((c) => (
          <label key={c.id} className={`glass flex cursor-pointer flex-col rounded-lg p-2 text-sm ${value === c.id ? 'ring-accent ring-2' : ''}`}>
            <span className="flex items-center gap-2 font-medium">
              <input type="radio" name={name} value={c.id} checked={value === c.id} onChange={() => onChange(c.id)} />
              {c.label}
            </span>
            <span className="text-muted text-xs">{c.hint}</span>
          </label>
        ))}
      </div>
      <ErrorText>{error}</ErrorText>
    </fieldset>
  )
}
