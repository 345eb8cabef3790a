// Package backend picks the GoMLX compute backend for this project and reports
// what it picked.
//
// The pure-Go backend ("go") is always compiled in and is the default. Two
// optional accelerators can be selected with the GOMLX_BACKEND environment
// variable:
//
//   - ONNX Runtime on the CPU: build with `-tags onnx` (cgo) and set
//     GOMLX_BACKEND=onnx:cpu and ONNXRUNTIME_SHARED_LIBRARY_PATH to
//     libonnxruntime.so.1 (`make setup` places one under .cache/onnxruntime).
//   - XLA (CPU or GPU) through a PJRT plugin: build with `-tags xla` and set
//     GOMLX_BACKEND=xla:/abs/path/pjrt_c_api_gpu_plugin.so (a plugin file named
//     by path; set GOMLX_NO_AUTO_INSTALL=1 so GoMLX does not try to download
//     one). No registry reachable from this project's machines ships a plugin,
//     so this path is documented but untested here.
//
// GoMLX's SIMD matmul kernels (AVX2/AVX-512) are compiled only when the
// program is built with GOEXPERIMENT=simd; [SIMD] reports whether this binary
// has them.
package backend

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // the default, pure-Go backend
)

// EnvVar is the environment variable that selects the backend, as in GoMLX.
const EnvVar = compute.ConfigEnvVar // "GOMLX_BACKEND"

// Default is the configuration used when EnvVar is unset or empty: the
// pure-Go backend running one graph op at a time.
//
// ops_sequential is not a speed setting: each op still uses every core (the
// matmuls are parallel). It avoids a deadlock of compute v0.1.2's Go backend
// seen several times here in training: when several large matmuls of one
// graph run concurrently, each holds a slot of the shared worker pool while
// waiting in workerspool.Saturate for more, and all slots end up held (CPU
// idle, the step never returns). Measured on the Noise2Noise U-Net, the step
// time is the same either way. GOMLX_BACKEND=go selects GoMLX's own default.
const Default = "go:ops_sequential"

// Info describes the backend that [New] picked.
type Info struct {
	Config    string   // the configuration used, e.g. "go" or "onnx:cpu"
	FromEnv   bool     // whether Config came from GOMLX_BACKEND
	Name      string   // the backend's own name
	Desc      string   // the backend's own description
	SIMD      bool     // whether GoMLX's SIMD kernels were compiled in (GOEXPERIMENT=simd)
	Available []string // backends compiled into this binary
	CPUs      int      // runtime.NumCPU()
}

// String gives a one-line report, e.g. "backend go (from default), SIMD on, 2 CPUs; compiled in: go".
func (i Info) String() string {
	src := "default"
	if i.FromEnv {
		src = "$" + EnvVar
	}
	simd := "off (build with GOEXPERIMENT=simd for AVX2/AVX-512 matmuls)"
	if i.SIMD {
		simd = "on"
	}
	return fmt.Sprintf("backend %s [%s] (config %q from %s), SIMD %s, %d CPUs; compiled in: %s",
		i.Name, i.Desc, i.Config, src, simd, i.CPUs, strings.Join(i.Available, ", "))
}

// Config returns the backend configuration chosen from the environment:
// GOMLX_BACKEND when set and non-empty, else [Default].
func Config() (config string, fromEnv bool) {
	if v := strings.TrimSpace(os.Getenv(EnvVar)); v != "" {
		return v, true
	}
	return Default, false
}

// Available lists the backends compiled into this binary, sorted.
func Available() []string {
	l := compute.List()
	slices.Sort(l)
	return l
}

// NewWithConfig creates a backend from a configuration "name[:options]". It
// returns an error (never panics) naming the compiled-in backends and the
// build tag that adds the missing one.
func NewWithConfig(config string) (b compute.Backend, info Info, err error) {
	name, _, _ := strings.Cut(config, ":")
	avail := Available()
	if !slices.Contains(avail, name) {
		hint := ""
		switch name {
		case "onnx":
			hint = " (build with `-tags onnx` and CGO_ENABLED=1; see README: Backends)"
		case "xla":
			hint = " (build with `-tags xla` and point GOMLX_BACKEND=xla:/path/to/pjrt_plugin.so; see README: Backends)"
		}
		return nil, Info{}, fmt.Errorf("backend %q is not compiled into this binary%s; compiled in: %s",
			name, hint, strings.Join(avail, ", "))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("creating backend %q: %v", config, r)
		}
	}()
	b, err = compute.NewWithConfig(config)
	if err != nil {
		return nil, Info{}, fmt.Errorf("creating backend %q: %w", config, err)
	}
	info = Info{Config: config, Name: b.Name(), Desc: b.Description(), SIMD: SIMD,
		Available: avail, CPUs: runtime.NumCPU()}
	return b, info, nil
}

// New creates the backend chosen by the environment (see [Config]).
func New() (compute.Backend, Info, error) {
	config, fromEnv := Config()
	b, info, err := NewWithConfig(config)
	info.FromEnv = fromEnv
	return b, info, err
}

var shared struct {
	once    sync.Once
	backend compute.Backend
	info    Info
	err     error
}

// Shared returns one process-wide backend chosen by the environment, created
// on first use. Notebooks and tests share it so that compiled graphs and
// device memory are not duplicated. It panics with a clear message if the
// configured backend cannot be created.
func Shared() compute.Backend {
	shared.once.Do(func() { shared.backend, shared.info, shared.err = New() })
	if shared.err != nil {
		panic(shared.err)
	}
	return shared.backend
}

// SharedInfo reports the backend returned by [Shared] (creating it if needed).
func SharedInfo() Info {
	Shared()
	return shared.info
}
