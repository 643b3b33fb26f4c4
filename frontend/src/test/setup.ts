import '@testing-library/jest-dom/vitest'
import {afterEach} from 'vitest'
import {cleanup, configure} from '@testing-library/react'

afterEach(() => cleanup())

// findBy*/waitFor give up after 1 s by default; lazily loaded pages on a busy
// 2-core CI runner can take longer than that to mount. A test that waits for
// something that never comes still fails, only later.
configure({asyncUtilTimeout: 5000})

// jsdom has no matchMedia; the theme store asks it about prefers-color-scheme.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList
}
