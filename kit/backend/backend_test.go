package backend

import (
	"strings"
	"testing"
)

func TestDefaultIsGo(t *testing.T) {
	t.Setenv(EnvVar, "")
	b, info, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if info.Config != Default || b.Name() != info.Name || !strings.HasPrefix(info.Name, "Go") || info.FromEnv {
		t.Fatalf("want the go backend from the default, got %+v", info)
	}
	if !strings.Contains(info.String(), `config "go:ops_sequential"`) {
		t.Fatalf("report %q does not name the backend", info.String())
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(EnvVar, "go")
	_, info, err := New()
	if err != nil || !info.FromEnv {
		t.Fatalf("GOMLX_BACKEND=go: info %+v err %v", info, err)
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	for cfg, want := range map[string]string{"nosuch": "not compiled", "onnx:cpu": "-tags onnx", "xla:cpu": "-tags xla"} {
		if cfg != "nosuch" && contains(Available(), cfg[:4]) {
			continue // compiled in with a build tag
		}
		_, _, err := NewWithConfig(cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewWithConfig(%q): err %v, want it to mention %q", cfg, err, want)
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
