import {inputName} from '../../lib/inputName'
import {useValidate} from '../../stores/validate'
import {AssistantPanel} from './AssistantPanel'

/** ValidateAssistant is the assistant on the Validate page, about the input just checked. */
export function ValidateAssistant() {
  const {text, kind, path, result} = useValidate()
  if (!result) return null
  const validation = {text, fileName: inputName(path, text), kind: kind === 'any' ? '' : kind, save: false}
  return (
    <AssistantPanel
      subject={{key: `validation\u0000${validation.fileName}\u0000${validation.kind}\u0000${text}`, validation}}
      placeholder="Why is this critical? What breaks if I remove s3:PutObject?"
    />
  )
}
