// Package layer is a small layer kit for GoMLX (v0.28.2) whose every
// forward value and gradient is verified against a float64 nested-loop
// reference and central finite differences (see the tests, and
// `GOEXPERIMENT=simd go test ./kit/layer -run TestGradTable -v` for the
// table).
//
// # Why it exists
//
// Measured with float64 finite differences, GoMLX v0.28.2 has wrong or
// missing gradients for ops a convolutional autoencoder needs:
//
//   - graph.Convolve: the input gradient is wrong for even kernels (k = 2,
//     4; relative error ~1; TestUpstreamConvolveEvenKernel reproduces it);
//     with input dilation (a transposed conv) it has no gradient.
//   - Interpolate(...).Nearest(): wrong gradient. graph.Pad: no gradient.
//   - MaxPool: its gradient needs SelectAndScatterMax, missing in the Go
//     backend. The ONNX Runtime backend has no Pad op at all, so anything
//     whose backward pass emits Pad (the gradient of a Slice, of MeanPool,
//     of strided convs) fails there.
//   - DotGeneral: the gradient w.r.t. one operand is mis-permuted when the
//     other operand's contracting axes are not listed in increasing order
//     (a shape panic, or a silently wrong gradient when dimensions match).
//
// So every op here is built only from ops whose backward pass was read in
// core/graph (rev_autodiff.go, ops_dotgeneral.go) and checked: DotGeneral
// (contracting axes always increasing), Transpose, Reshape,
// BroadcastToDims, Concatenate (backward: stride-1 Slice), Add, Mul,
// ReduceSum, ReduceMax, Where and comparisons. None of the ops above is
// reachable from this package, and no forward op emits Pad in its gradient.
//
// # Convolutions as shift matrices
//
// A 2D convolution separates along the two spatial axes. With 0/1 "shift"
// matrices S_h[p, i, h] = [h == i*stride + p - top] and S_w[q, j, w]
// (likewise), [Conv2D] is
//
//	out[b,i,j,o] = Σ_{p,q,h,w,c} S_h[p,i,h] · S_w[q,j,w] · x[b,h,w,c] · K[p,q,c,o]
//
// computed as three DotGeneral products (contract h; then p and c with the
// kernel; then q and w) and one Transpose. Zero padding is the rows of S_h
// that select nothing, stride is in the index, even kernels need nothing
// special. [ConvTranspose2D] is the same product with S_h, S_w transposed
// (S_h[p, y, i] = [y == i*stride + p - top]), which is exactly PyTorch's
// definition of a transposed convolution. Compared with im2col built from
// k*k Slices, it avoids Slice/Pad (slow in the Go backend, and Pad-based
// gradients), needs 5x rather than k²x memory for the intermediate, and
// measured ~2x faster forward+backward for a 32->32 k5 layer on 28x28
// (BenchmarkConv2DK5C32). The extra cost is the two shift products, which
// grow with the image side: fine for MNIST-sized images, ~2-4x the
// kernel product for 256x256 inputs with few channels.
//
// On the pure-Go backend ([Im2colBackends]), convolutions whose im2col
// matrix stays below ~32M elements and that have >= 8 output channels
// use im2col instead (im2col.go): the k·k shifted views are built by
// block-copying Concatenates in flattened "wide" coordinates (no Slice,
// which that backend copies element by element), strides become stride 1
// by space-to-depth, transposed convolutions by a sub-pixel kernel and
// depth-to-space, and the input gradient is attached with
// graph.IdentityWithCustomGradient as a correlation of the padded output
// gradient with the flipped kernel. Measured on dae_mnist: 3289 ->
// 2222 ms/step; the strided and small layers gain most, the big
// 32-channel 5x5 layers stay on the shift path (same speed, far less
// memory). Its backward pass emits Pad, so ONNX Runtime never takes it.
//
// On the pure-Go backend of this repository's fork of gomlx/compute
// (third_party/compute, [FastConvBackends]) every convolution is one
// ConvGeneral, which the fork runs as an implicit GEMM on an AVX2/FMA
// micro-kernel; the shift and im2col paths above are then unused. Its
// gradients are attached by hand (fastconv.go): dx is the adjoint (a
// ConvGeneral with input dilation and the flipped kernel), dK one
// ConvGeneral in which the input channels play the batch and the batch is
// contracted, read straight from the channels-last activations when there
// are at least 6 input and 16 output channels (the fork's strided
// weight-gradient kernel; otherwise the activations are transposed
// first; BenchmarkKernelGrad compares the two). A transposed convolution
// is the adjoint, with the roles swapped. The same finite-difference table
// checks this path.
//
// On ONNX Runtime ([NativeConvBackends]), float32 stride-1 convolutions
// with odd kernels (and stride-1 transposed convolutions, as a padded
// convolution with the flipped kernel) use graph.Convolve, whose gradients
// are right in exactly that case; TestNativeConvMatchesShift checks them
// against the shift path. ONNX Runtime's CPU provider has no float64 Conv
// or Cos, so float64 keeps the shift path and [InitHeNormal] draws in
// float32.
//
// # Layout and PyTorch weights
//
// Images are channels-last, x: [B, H, W, C], float32 (float64 works too and
// is what the tests use). Kernels of both convolutions are
// [kh, kw, Cin, Cout], where Cin is always x's channel count:
//
//	PyTorch nn.Conv2d.weight          [Cout, Cin, kh, kw] -> transpose (2, 3, 1, 0)
//	PyTorch nn.ConvTranspose2d.weight [Cin, Cout, kh, kw] -> transpose (2, 3, 0, 1)
//	PyTorch nn.Linear.weight          [out, in]           -> transpose (1, 0)
//	biases                            [Cout]              -> as is
//
// No kernel flip is needed for ConvTranspose2D. PyTorch's integer
// padding=p is [PadAll](p); output_padding is the outputPadding argument.
// To load NCHW images, transpose them with (0, 2, 3, 1).
//
// # Layers and initialisation
//
// [Dense], [Conv2DLayer] and [ConvTranspose2DLayer] create variables
// "weights" and "biases" in the *model.Scope they are given; pass one
// sub-scope per layer (scope.In("enc1")). [InitPyTorch] (the default) and
// [InitHeNormal] reproduce PyTorch's default and Noise2Noise's He
// initialisation; the values come from the store's random number
// generator, seeded with [SetSeed] for reproducible runs.
package layer
