package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"strings"
)

// bridgeJS stands in for the Wails runtime in a plain browser: window.go.<pkg>.<Service>.<Method>(...)
// POSTs its arguments to /__call/<pkg>/<Service>/<Method>, and a Go error
// rejects the promise with its message, as Wails does. Runtime events are
// inert unless the page sets window.__aegisEvents before it loads: then
// EventsOn listens to Go's events over /__events (bridge_events_test.go).
// (A stream held open from the start would keep the other tests' pages
// from ever being network-idle.)
const bridgeJS = `(() => {
  const call = (name) => (...args) =>
    fetch('/__call/' + name, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(args)})
      .then(async (r) => { const t = await r.text(); if (!r.ok) throw t; return t === '' ? undefined : JSON.parse(t); });
  const level = (prefix, depth) => new Proxy({}, {get: (_, k) => depth === 2 ? call(prefix + k) : level(prefix + k + '/', depth + 1)});
  window.go = level('', 0);
  const listeners = {};
  let source = null;
  const on = (name, cb) => {
    (listeners[name] = listeners[name] || []).push(cb);
    if (window.__aegisEvents && !source) {
      source = new EventSource('/__events');
      source.onmessage = (m) => { const e = JSON.parse(m.data); (listeners[e.name] || []).slice().forEach((f) => f(e.data)); };
    }
    return () => { listeners[name] = (listeners[name] || []).filter((f) => f !== cb); };
  };
  const live = {EventsOnMultiple: on, EventsOff: (...names) => names.forEach((n) => delete listeners[n])};
  window.runtime = new Proxy(live, {get: (t, k) => t[k] || (() => () => {})});
})();`

// bridge serves the built frontend with bridgeJS injected into index.html and
// calls the bound services' methods by reflection, the way Wails binds them.
type bridge struct {
	assets  fs.FS
	methods map[string]reflect.Value // "app/PolicyService/Format"
	// events is the app.Emitter whose events reach the page.
	events *eventStream
}

func newBridge(assets fs.FS, bound []any) *bridge {
	b := &bridge{assets: assets, methods: map[string]reflect.Value{}, events: newEventStream()}
	for _, svc := range bound {
		v := reflect.ValueOf(svc)
		t := v.Type()
		for i := range t.NumMethod() {
			m := t.Method(i)
			b.methods[path.Base(t.Elem().PkgPath())+"/"+t.Elem().Name()+"/"+m.Name] = v.Method(i)
		}
	}
	return b
}

func (b *bridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/__bridge.js":
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, bridgeJS)
	case r.URL.Path == "/__events":
		b.events.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/__call/") && r.Method == http.MethodPost:
		b.call(w, r, strings.TrimPrefix(r.URL.Path, "/__call/"))
	case r.URL.Path == "/" || r.URL.Path == "/index.html":
		page, err := indexPage(b.assets)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.Replace(string(page), "<head>", `<head><script src="/__bridge.js"></script>`, 1)))
	default:
		http.FileServerFS(b.assets).ServeHTTP(w, r)
	}
}

var errorType = reflect.TypeFor[error]()

func (b *bridge) call(w http.ResponseWriter, r *http.Request, name string) {
	m, ok := b.methods[name]
	if !ok {
		http.Error(w, fmt.Sprintf("no bound method %s", name), http.StatusNotFound)
		return
	}
	var raw []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		http.Error(w, fmt.Sprintf("%s: decoding arguments: %v", name, err), http.StatusBadRequest)
		return
	}
	t := m.Type()
	if len(raw) != t.NumIn() {
		http.Error(w, fmt.Sprintf("%s: got %d arguments, want %d", name, len(raw), t.NumIn()), http.StatusBadRequest)
		return
	}
	args := make([]reflect.Value, len(raw))
	for i, a := range raw {
		p := reflect.New(t.In(i))
		if err := json.Unmarshal(a, p.Interface()); err != nil {
			http.Error(w, fmt.Sprintf("%s: argument %d: %v", name, i, err), http.StatusBadRequest)
			return
		}
		args[i] = p.Elem()
	}
	out := m.Call(args)
	if n := len(out); n > 0 && t.Out(n-1) == errorType {
		if err, _ := out[n-1].Interface().(error); err != nil {
			// Wails rejects the promise with the bare message.
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, err.Error())
			return
		}
		out = out[:n-1]
	}
	if len(out) == 0 {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out[0].Interface()); err != nil {
		http.Error(w, errors.Join(fmt.Errorf("%s: encoding the result", name), err).Error(), http.StatusInternalServerError)
	}
}
