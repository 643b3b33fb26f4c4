import {StrictMode} from 'react'
import {createRoot} from 'react-dom/client'
import './style.css'
import {App} from './App'
import {applyTheme} from './stores/settings'

// Paint the OS theme before React renders, so the first frame never flashes.
applyTheme()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
