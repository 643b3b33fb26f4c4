package llm

import "testing"

func TestCheckBaseURL(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		bad      bool
	}{
		{url: "http://localhost:11434/v1"},
		{url: "http://127.0.0.1:8080/v1"},
		{url: "http://[::1]:11434/v1"},
		{url: "http://ollama.localhost/v1"},
		{url: "https://llm.example.com/v1"},
		{url: "http://10.0.0.5:11434/v1", insecure: true},
		{url: "http://gpu-box.lan/v1", insecure: true},
		{url: "ftp://localhost/v1", bad: true},
		{url: "localhost:11434", bad: true},
		{url: "http:///v1", bad: true},
		{url: "https://user:secret@llm.example.com/v1", bad: true},
		{url: "https://llm.example.com/v1?key=x", bad: true},
		{url: "%%%", bad: true},
	}
	for _, tt := range tests {
		insecure, err := CheckBaseURL(tt.url)
		if (err != nil) != tt.bad || insecure != tt.insecure {
			t.Errorf("CheckBaseURL(%q) = %v, %v; want insecure %v, error %v", tt.url, insecure, err, tt.insecure, tt.bad)
		}
	}
}
