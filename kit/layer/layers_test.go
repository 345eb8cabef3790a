package layer

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// buildLayer runs layer once on x in a fresh store seeded with seed and
// returns the output and the store (whose variables are then initialised).
func buildLayer(t *testing.T, b compute.Backend, seed int64, x arr,
	layer func(scope *model.Scope, x *Node) *Node) (arr, *model.Store) {
	t.Helper()
	store := model.NewStore()
	if err := SetSeed(store, seed); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x *Node) *Node { return layer(scope, x) })
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Exec(x.tensor64())
	if err != nil {
		t.Fatal(err)
	}
	return fromTensor(outs[0]), store
}

func variable(t *testing.T, store *model.Store, path string) arr {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("variable %q not found", path)
	}
	val, err := v.Value()
	if err != nil {
		t.Fatal(err)
	}
	return fromTensor(val)
}

func meanStd(d []float64) (mean, std float64) {
	for _, v := range d {
		mean += v
	}
	mean /= float64(len(d))
	for _, v := range d {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(d)))
}

// TestLayersMatchFunctionalOps checks that each layer's output is its
// functional op applied to the layer's own variables plus bias, and that
// the variables have the documented names and shapes.
func TestLayersMatchFunctionalOps(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		rng := rand.New(rand.NewPCG(1, 1))
		x := randArr(rng, 2, 6, 5, 3)
		check := func(name string, got, want arr) {
			t.Helper()
			if rel, err := maxRelDiff(got, want); err != nil || rel > 1e-12 {
				t.Errorf("%s: max rel diff %.3g (%v)", name, rel, err)
			}
		}
		got, store := buildLayer(t, b, 1, x, func(s *model.Scope, x *Node) *Node {
			return Conv2DLayer(s.In("enc"), x, ConvConfig{Out: 4, Kernel: 4, Stride: 2, Padding: PadAll(1)})
		})
		w, bias := variable(t, store, "/enc/weights"), variable(t, store, "/enc/biases")
		if len(w.dims) != 4 || w.dims[0] != 4 || w.dims[2] != 3 || w.dims[3] != 4 || bias.dims[0] != 4 {
			t.Errorf("Conv2DLayer variables: weights %v, biases %v", w.dims, bias.dims)
		}
		check("Conv2DLayer", got, refAddBias(refConv2D(x, w, 2, 1, 1, 1, 1), bias))

		got, store = buildLayer(t, b, 1, x, func(s *model.Scope, x *Node) *Node {
			return ConvTranspose2DLayer(s.In("dec"), x, ConvConfig{Out: 2, Kernel: 3, Stride: 2, Padding: PadAll(1), OutputPadding: 1})
		})
		w, bias = variable(t, store, "/dec/weights"), variable(t, store, "/dec/biases")
		check("ConvTranspose2DLayer", got, refAddBias(refConvTranspose2D(x, w, 2, 1, 1, 1, 1, 1), bias))
		if got.dims[1] != 12 || got.dims[2] != 10 {
			t.Errorf("ConvTranspose2DLayer output %v, want [2 12 10 2]", got.dims)
		}

		got, store = buildLayer(t, b, 1, x, func(s *model.Scope, x *Node) *Node {
			return Conv2DLayer(s.In("nobias"), x, ConvConfig{Out: 2, Kernel: 3, Padding: Same(), NoBias: true})
		})
		if store.GetVariable("/nobias/biases") != nil {
			t.Error("NoBias layer created a biases variable")
		}
		check("Conv2DLayer NoBias", got, refConv2D(x, variable(t, store, "/nobias/weights"), 1, 1, 1, 1, 1))

		got, store = buildLayer(t, b, 1, x, func(s *model.Scope, x *Node) *Node {
			return Dense(s.In("fc"), x, 7)
		})
		check("Dense", got, refAddBias(refDense(x, variable(t, store, "/fc/weights")), variable(t, store, "/fc/biases")))
	})
}

// TestInitDistributions checks the initial weights' ranges and statistics
// against the PyTorch and He formulas, including PyTorch's fanIn for
// transposed convolutions (Cout*k*k, not Cin*k*k).
func TestInitDistributions(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		x := newArr(1, 8, 8, 4)
		cases := []struct {
			name  string
			layer func(s *model.Scope, x *Node) *Node
			fanIn int
			init  Init
		}{
			{"Conv2D pytorch", func(s *model.Scope, x *Node) *Node {
				return Conv2DLayer(s.In("l"), x, ConvConfig{Out: 64, Kernel: 3})
			}, 4 * 3 * 3, InitPyTorch},
			{"ConvTranspose2D pytorch", func(s *model.Scope, x *Node) *Node {
				return ConvTranspose2DLayer(s.In("l"), x, ConvConfig{Out: 16, Kernel: 4, Stride: 2})
			}, 16 * 4 * 4, InitPyTorch},
			{"Dense pytorch", func(s *model.Scope, x *Node) *Node {
				return DenseWith(s.In("l"), x, DenseConfig{Out: 500})
			}, 4, InitPyTorch},
			{"Conv2D he", func(s *model.Scope, x *Node) *Node {
				return Conv2DLayer(s.In("l"), x, ConvConfig{Out: 64, Kernel: 3, Init: InitHeNormal})
			}, 4 * 3 * 3, InitHeNormal},
			{"ConvTranspose2D he", func(s *model.Scope, x *Node) *Node {
				return ConvTranspose2DLayer(s.In("l"), x, ConvConfig{Out: 16, Kernel: 4, Init: InitHeNormal})
			}, 16 * 4 * 4, InitHeNormal},
		}
		for _, c := range cases {
			_, store := buildLayer(t, b, 7, x, c.layer)
			w, bias := variable(t, store, "/l/weights"), variable(t, store, "/l/biases")
			mean, std := meanStd(w.data)
			n := float64(len(w.data))
			switch c.init {
			case InitPyTorch:
				bound := 1 / math.Sqrt(float64(c.fanIn))
				for _, d := range [][]float64{w.data, bias.data} {
					for _, v := range d {
						if math.Abs(v) > bound {
							t.Fatalf("%s: value %g outside [-%g, %g]", c.name, v, bound, bound)
						}
					}
				}
				maxAbs := 0.0
				for _, v := range w.data {
					maxAbs = max(maxAbs, math.Abs(v))
				}
				// n >= 576 uniform draws: the largest |w| is within 1% of the bound
				// with probability 1 - 0.99^576 > 0.996.
				if maxAbs < 0.99*bound {
					t.Errorf("%s: max |w| %g, want close to bound %g", c.name, maxAbs, bound)
				}
				wantStd := bound / math.Sqrt(3)
				if math.Abs(std/wantStd-1) > 0.1 || math.Abs(mean) > 4*wantStd/math.Sqrt(n) {
					t.Errorf("%s: mean %g std %g, want 0 and %g", c.name, mean, std, wantStd)
				}
			case InitHeNormal:
				wantStd := math.Sqrt(2 / float64(c.fanIn))
				// std of the sample std is ~ wantStd/sqrt(2n) (< 3% here); allow 4 sigma.
				if math.Abs(std/wantStd-1) > 4/math.Sqrt(2*n) || math.Abs(mean) > 4*wantStd/math.Sqrt(n) {
					t.Errorf("%s: mean %g std %g, want 0 and %g", c.name, mean, std, wantStd)
				}
				for _, v := range bias.data {
					if v != 0 {
						t.Fatalf("%s: He bias %g, want 0", c.name, v)
					}
				}
			}
		}
	})
}

// TestSeedDeterminism: the same seed gives identical initial weights, a
// different seed different ones.
func TestSeedDeterminism(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		x := newArr(1, 6, 6, 2)
		model2 := func(s *model.Scope, x *Node) *Node {
			y := Conv2DLayer(s.In("c1"), x, ConvConfig{Out: 4, Kernel: 3, Padding: Same()})
			return ConvTranspose2DLayer(s.In("c2"), y, ConvConfig{Out: 2, Kernel: 4, Stride: 2, Padding: PadAll(1)})
		}
		weights := func(seed int64) []float64 {
			_, store := buildLayer(t, b, seed, x, model2)
			var all []float64
			for _, p := range []string{"/c1/weights", "/c1/biases", "/c2/weights", "/c2/biases"} {
				all = append(all, variable(t, store, p).data...)
			}
			return all
		}
		a, a2, c := weights(42), weights(42), weights(43)
		same, diff := true, 0
		for i := range a {
			same = same && a[i] == a2[i]
			if a[i] != c[i] {
				diff++
			}
		}
		if !same {
			t.Error("seed 42 twice gave different initial weights")
		}
		if diff < len(a)/2 {
			t.Errorf("seeds 42 and 43 gave %d of %d equal weights", len(a)-diff, len(a))
		}
	})
}

// TestShapeErrors checks the panic messages of bad inputs (returned as
// errors by ExecOnce).
func TestShapeErrors(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		for _, c := range []struct {
			fn   func(x *Node) *Node
			x    arr
			want string
		}{
			{func(x *Node) *Node {
				return Conv2D(x, Const(x.Graph(), newArr(3, 3, 3, 2).tensor64()), 1, Valid)
			}, newArr(1, 5, 5, 1), "Conv2D: kernel (Float64)[3, 3, 3, 2] has 3 input channels, x (Float64)[1, 5, 5, 1] has 1"},
			{func(x *Node) *Node {
				return Conv2D(x, Const(x.Graph(), newArr(3, 3, 1, 2).tensor64()), 0, Valid)
			}, newArr(1, 5, 5, 1), "stride must be >= 1"},
			{func(x *Node) *Node {
				return Conv2D(x, Const(x.Graph(), newArr(3, 3, 1, 2).tensor64()), 1, Valid)
			}, newArr(5, 5, 1), "x must be [B, H, W, C]"},
			{func(x *Node) *Node {
				return Conv2D(x, Const(x.Graph(), newArr(6, 6, 1, 2).tensor64()), 1, Valid)
			}, newArr(1, 5, 5, 1), "larger than padded input"},
			{func(x *Node) *Node {
				return ConvTranspose2D(x, Const(x.Graph(), newArr(4, 4, 1, 2).tensor64()), 2, PadAll(1), 2)
			}, newArr(1, 5, 5, 1), "outputPadding must satisfy 0 <= outputPadding < stride"},
			{func(x *Node) *Node {
				return ConvTranspose2D(x, Const(x.Graph(), newArr(4, 4, 1, 2).tensor64()), 2, Same(), 0)
			}, newArr(1, 5, 5, 1), "padding Same is not defined"},
			{func(x *Node) *Node { return MaxPool2D(x, 2) }, newArr(1, 5, 4, 1), "MaxPool2D: window 2 must divide H=5 and W=4"},
			{func(x *Node) *Node { return MeanPool2D(x, 3) }, newArr(1, 6, 4, 1), "MeanPool2D: window 3 must divide"},
			{func(x *Node) *Node { return Pad2D(x, -1, 0, 0, 0) }, newArr(1, 5, 4, 1), "Pad2D: paddings must be >= 0"},
		} {
			_, err := ExecOnce(b, c.fn, c.x.tensor64())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want error containing %q, got %v", c.want, err)
			}
		}
	})
}
