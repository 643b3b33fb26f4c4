/// <reference types="vitest/config" />
import {defineConfig, type Plugin} from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

// The webview loads nothing from the network: every script, style, font and
// image comes from the embedded bundle. The policy is added to production
// builds only, because the dev server injects inline scripts for hot reload.
// Wails' own /wails/ipc.js and /wails/runtime.js are same-origin scripts.
// Inline styles are refused except <style> elements carrying the nonce: the
// shell replaces the placeholder with a fresh random nonce on every load
// (csp.go), and the policy editor (CodeMirror) puts its base theme in such an
// element (src/lib/csp.ts).
export const styleNoncePlaceholder = 'aegis-style-nonce'
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'nonce-${styleNoncePlaceholder}'`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

function csp(): Plugin {
  return {
    name: 'aegis-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {tag: 'meta', attrs: {'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy}, injectTo: 'head'},
    ],
  }
}

export default defineConfig({
  plugins: [react(), tailwindcss(), csp()],
  build: {
    // One small bundle; the webview reads it from memory.
    chunkSizeWarningLimit: 800,
    reportCompressedSize: true,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // Generous: CI machines here are shared and jsdom renders can stall under load.
    testTimeout: 20000,
  },
})
