//go:build onnx

package backend

// With the `onnx` build tag (cgo), the ONNX Runtime backend is compiled in.
// Select it with GOMLX_BACKEND=onnx:cpu and point
// ONNXRUNTIME_SHARED_LIBRARY_PATH at libonnxruntime.so.1 (>= 1.26).
import _ "github.com/gomlx/compute-onnx"
