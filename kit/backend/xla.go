//go:build xla

package backend

// With the `xla` build tag (cgo), the XLA backend is compiled in. It needs a
// PJRT plugin: GOMLX_BACKEND=xla:/abs/path/to/pjrt_c_api_cpu_plugin.so (or a
// CUDA plugin on a GPU machine), and GOMLX_NO_AUTO_INSTALL=1 to stop GoMLX from
// trying to download one.
import _ "github.com/gomlx/go-xla/compute/xla"
