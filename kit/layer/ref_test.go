package layer

// Float64 nested-loop reference implementations and test helpers. Each
// reference is written from the op's definition (gather form for Conv2D,
// scatter form for ConvTranspose2D), independently of the shift-matrix
// implementation in conv.go.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
)

// arr is a dense row-major float64 array.
type arr struct {
	dims []int
	data []float64
}

func newArr(dims ...int) arr {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return arr{dims: append([]int(nil), dims...), data: make([]float64, n)}
}

func randArr(rng *rand.Rand, dims ...int) arr {
	a := newArr(dims...)
	for i := range a.data {
		a.data[i] = rng.NormFloat64()
	}
	return a
}

// at returns the flat index of a multi-index.
func (a arr) at(idx ...int) int {
	o := 0
	for i, v := range idx {
		o = o*a.dims[i] + v
	}
	return o
}

func (a arr) tensor64() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float64(nil), a.data...), a.dims...)
}

func (a arr) tensor32() *tensors.Tensor {
	d := make([]float32, len(a.data))
	for i, v := range a.data {
		d[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(d, a.dims...)
}

// fromTensor copies a float32 or float64 tensor into an arr.
func fromTensor(t *tensors.Tensor) arr {
	a := arr{dims: t.Shape().Dimensions}
	switch v := t.Value().(type) {
	case float64:
		a.data = []float64{v}
		return a
	case float32:
		a.data = []float64{float64(v)}
		return a
	}
	if d, err := tensors.CopyFlatData[float64](t); err == nil {
		a.data = d
		return a
	}
	d := tensors.MustCopyFlatData[float32](t)
	a.data = make([]float64, len(d))
	for i, v := range d {
		a.data[i] = float64(v)
	}
	return a
}

// maxRelDiff returns max|a-b| / max(max|b|, tiny) and an error if shapes differ.
func maxRelDiff(a, b arr) (float64, error) {
	if fmt.Sprint(a.dims) != fmt.Sprint(b.dims) {
		return math.Inf(1), fmt.Errorf("shape %v, want %v", a.dims, b.dims)
	}
	var diff, scale float64
	for i := range a.data {
		diff = max(diff, math.Abs(a.data[i]-b.data[i]))
		scale = max(scale, math.Abs(b.data[i]))
	}
	return diff / max(scale, 1e-300), nil
}

// refConv2D: x [B,H,W,C], k [kh,kw,C,O] -> [B,Ho,Wo,O], zero padding top/left
// (and bottom/right through Ho, Wo).
func refConv2D(x, k arr, stride, top, bottom, left, right int) arr {
	B, H, W, C := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	kh, kw, O := k.dims[0], k.dims[1], k.dims[3]
	ho := (H+top+bottom-kh)/stride + 1
	wo := (W+left+right-kw)/stride + 1
	out := newArr(B, ho, wo, O)
	for b := range B {
		for i := range ho {
			for j := range wo {
				for o := range O {
					s := 0.0
					for p := range kh {
						for q := range kw {
							h, w := i*stride+p-top, j*stride+q-left
							if h < 0 || h >= H || w < 0 || w >= W {
								continue
							}
							for c := range C {
								s += x.data[x.at(b, h, w, c)] * k.data[k.at(p, q, c, o)]
							}
						}
					}
					out.data[out.at(b, i, j, o)] = s
				}
			}
		}
	}
	return out
}

// refConvTranspose2D scatters every input pixel times the kernel into the
// full output, then crops top/left (and bottom/right through Ho, Wo): the
// PyTorch definition.
func refConvTranspose2D(x, k arr, stride, top, bottom, left, right, outPad int) arr {
	B, H, W, C := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	kh, kw, O := k.dims[0], k.dims[1], k.dims[3]
	ho := (H-1)*stride - top - bottom + kh + outPad
	wo := (W-1)*stride - left - right + kw + outPad
	out := newArr(B, ho, wo, O)
	for b := range B {
		for i := range H {
			for j := range W {
				for c := range C {
					v := x.data[x.at(b, i, j, c)]
					for p := range kh {
						for q := range kw {
							y, z := i*stride+p-top, j*stride+q-left
							if y < 0 || y >= ho || z < 0 || z >= wo {
								continue
							}
							for o := range O {
								out.data[out.at(b, y, z, o)] += v * k.data[k.at(p, q, c, o)]
							}
						}
					}
				}
			}
		}
	}
	return out
}

func refAddBias(y, b arr) arr {
	out := newArr(y.dims...)
	c := b.dims[0]
	for i := range y.data {
		out.data[i] = y.data[i] + b.data[i%c]
	}
	return out
}

// refDense: x [..., in], w [in, out], b [out] (b may have no dims: none).
func refDense(x, w arr) arr {
	in, outD := w.dims[0], w.dims[1]
	rows := len(x.data) / in
	dims := append(append([]int(nil), x.dims[:len(x.dims)-1]...), outD)
	out := newArr(dims...)
	for r := range rows {
		for o := range outD {
			s := 0.0
			for i := range in {
				s += x.data[r*in+i] * w.data[i*outD+o]
			}
			out.data[r*outD+o] = s
		}
	}
	return out
}

func refPad2D(x arr, top, bottom, left, right int) arr {
	B, H, W, C := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	out := newArr(B, H+top+bottom, W+left+right, C)
	for b := range B {
		for h := range H {
			for w := range W {
				for c := range C {
					out.data[out.at(b, h+top, w+left, c)] = x.data[x.at(b, h, w, c)]
				}
			}
		}
	}
	return out
}

// refPool applies reduce (max or mean) over k x k windows with stride k.
func refPool(x arr, k int, isMax bool) arr {
	B, H, W, C := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	out := newArr(B, H/k, W/k, C)
	for b := range B {
		for i := range H / k {
			for j := range W / k {
				for c := range C {
					acc := 0.0
					if isMax {
						acc = math.Inf(-1)
					}
					for p := range k {
						for q := range k {
							v := x.data[x.at(b, i*k+p, j*k+q, c)]
							if isMax {
								acc = max(acc, v)
							} else {
								acc += v / float64(k*k)
							}
						}
					}
					out.data[out.at(b, i, j, c)] = acc
				}
			}
		}
	}
	return out
}

func refUpsample(x arr, f int) arr {
	B, H, W, C := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	out := newArr(B, H*f, W*f, C)
	for b := range B {
		for i := range H * f {
			for j := range W * f {
				for c := range C {
					out.data[out.at(b, i, j, c)] = x.data[x.at(b, i/f, j/f, c)]
				}
			}
		}
	}
	return out
}

func refLeaky(x arr, slope float64) arr {
	out := newArr(x.dims...)
	for i, v := range x.data {
		if v >= 0 {
			out.data[i] = v
		} else {
			out.data[i] = slope * v
		}
	}
	return out
}

// namedBackend is one backend compiled into the test binary.
type namedBackend struct {
	name string
	b    compute.Backend
	err  error
}

var testBackendsOnce = sync.OnceValue(func() []namedBackend {
	var out []namedBackend
	env := os.Getenv(backend.EnvVar)
	for _, name := range backend.Available() {
		config := name
		switch {
		case strings.HasPrefix(env, name):
			config = env // e.g. "onnx:cpu" or "xla:/path/plugin.so"
		case name == "onnx":
			config = "onnx:cpu"
		case name == "go":
			config = backend.Default
		}
		b, _, err := backend.NewWithConfig(config)
		out = append(out, namedBackend{name: config, b: b, err: err})
	}
	return out
})

// forBackends runs fn as a subtest for every backend compiled into the
// test binary ("go" by default; "onnx" with -tags onnx).
func forBackends(t *testing.T, fn func(t *testing.T, b compute.Backend)) {
	t.Helper()
	for _, nb := range testBackendsOnce() {
		t.Run(nb.name, func(t *testing.T) {
			if nb.err != nil {
				t.Skipf("backend %s unavailable: %v", nb.name, nb.err)
			}
			fn(t, nb.b)
		})
	}
}
