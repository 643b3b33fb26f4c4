import {describe, expect, it} from 'vitest'
import {endpointProblem} from './endpoint'

describe('endpointProblem', () => {
  it.each([
    ['http://localhost:11434/v1', undefined, false],
    ['http://127.0.0.1:8080/v1', undefined, false],
    ['http://[::1]:11434/v1', undefined, false],
    ['https://llm.example.com/v1', undefined, false],
    ['http://10.0.0.5:11434/v1', undefined, true],
    ['localhost:11434', 'Use an http:// or https:// URL.', false],
    ['https://me:key@llm.example.com/v1', 'The URL must not hold a user name or password.', false],
    ['https://llm.example.com/v1?key=x', 'Give the API root, without a query or fragment.', false],
    ['not a url', 'Not a URL (e.g. http://localhost:11434/v1).', false],
  ])('%s', (url, error, insecure) => {
    expect(endpointProblem(url)).toEqual(error ? {error, insecure} : {insecure})
  })
})
