package ops_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/internal/gobackend/ops"
	"github.com/gomlx/compute/shapes"
)

// fusionCase builds a graph from parameters (full tensors of `shape` and
// scalars) and returns its outputs.
type fusionCase struct {
	name    string
	full    int // number of full-shape parameters
	scalars int // number of scalar parameters
	build   func(t *testing.T, fn compute.Function, full, scalars []compute.Value) []compute.Value
}

// mv unwraps a builder call; an error is a bug in the test's graph.
func mv(v compute.Value, err error) compute.Value {
	if err != nil {
		panic(err)
	}
	return v
}

// runFusionCase compiles and runs c once; it returns the outputs' flat data
// and the number of FusedElementwise nodes the compiled graph holds.
func runFusionCase(t *testing.T, c fusionCase, shape shapes.Shape, fullData [][]float32, scalarData []float32) ([][]float32, int) {
	t.Helper()
	builder := backend.Builder("fusion_" + c.name)
	fn := builder.Main()
	var full, scalars []compute.Value
	for i := range c.full {
		full = append(full, mv(fn.Parameter("x"+string(rune('a'+i)), shape, nil)))
	}
	for i := range c.scalars {
		scalars = append(scalars, mv(fn.Parameter("s"+string(rune('a'+i)), shapes.Make(dtypes.Float32), nil)))
	}
	outs := c.build(t, fn, full, scalars)
	if err := fn.Return(outs, nil); err != nil {
		t.Fatalf("%+v", err)
	}
	exec, err := builder.Compile()
	if err != nil {
		t.Fatalf("%+v", err)
	}
	defer exec.Finalize()
	fused := 0
	for _, n := range builder.(*gobackend.Builder).MainFn.Nodes {
		if n.OpType == compute.OpTypeFusedElementwise {
			fused++
		}
	}
	var inputs []compute.Buffer
	var donate []bool
	for _, d := range fullData {
		inputs = append(inputs, makeBuffer(t, shape, append([]float32(nil), d...)))
		donate = append(donate, true) // let the fused op write in place
	}
	for _, s := range scalarData {
		inputs = append(inputs, makeBuffer(t, shapes.Make(dtypes.Float32), []float32{s}))
		donate = append(donate, false)
	}
	results, err := exec.Execute(inputs, donate, 0)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	var flats [][]float32
	for _, r := range results {
		flats = append(flats, append([]float32(nil), r.(*gobackend.Buffer).Flat.([]float32)...))
		_ = r.Finalize()
	}
	return flats, fused
}

// TestFuseElementwise checks that the fused graph gives bit-identical
// results to the unfused one (same formulas, float32 rounding included),
// and that the pass fused what it should, on an Adam update, a chain of
// every unary op and the sigmoid cross-entropy of a DAE, at sizes below and
// above the parallel threshold and not a multiple of the chunk.
func TestFuseElementwise(t *testing.T) {
	f32 := func(x float64) float32 { return float32(x) }
	cases := []struct {
		c         fusionCase
		wantFused int
	}{
		{fusionCase{"adam", 3, 4, func(t *testing.T, fn compute.Function, x, s []compute.Value) []compute.Value {
			// x: grad, m, v; s: beta1, 1-beta1, lr*debias1, debias2.
			g, m, v := x[0], x[1], x[2]
			m1 := mv(fn.Add(mv(fn.Mul(s[0], m)), mv(fn.Mul(s[1], g))))
			g2 := mv(fn.Mul(g, g))
			v1 := mv(fn.Add(mv(fn.Mul(s[0], v)), mv(fn.Mul(s[1], g2))))
			den := mv(fn.Add(mv(fn.Sqrt(mv(fn.Mul(v1, s[3])))), s[1]))
			step := mv(fn.Div(mv(fn.Mul(s[2], m1)), den))
			w := mv(fn.Sub(m, step))
			return []compute.Value{m1, v1, w}
		}}, 3}, // m1 and v1 are outputs: three trees
		{fusionCase{"unary", 1, 1, func(t *testing.T, fn compute.Function, x, s []compute.Value) []compute.Value {
			y := x[0]
			y = mv(fn.Tanh(y))
			y = mv(fn.Logistic(mv(fn.Mul(y, s[0]))))
			y = mv(fn.Log1p(mv(fn.Exp(y))))
			y = mv(fn.Sub(mv(fn.Log(y)), mv(fn.Expm1(mv(fn.Neg(y))))))
			y = mv(fn.Add(mv(fn.Abs(y)), mv(fn.Sign(y))))
			y = mv(fn.Max(mv(fn.Rsqrt(y)), mv(fn.Min(y, s[0]))))
			y = mv(fn.Pow(y, s[0]))
			return []compute.Value{y}
		}}, 4}, // y is used twice after the Exp/Log1p, Neg/Log, Abs/Sign steps: 4 trees
		{fusionCase{"xent", 2, 1, func(t *testing.T, fn compute.Function, x, s []compute.Value) []compute.Value {
			// -(t log p + (1-t) log(1-p)) with p = logistic(z), one minus as s-x.
			z, tgt := x[0], x[1]
			p := mv(fn.Logistic(z))
			a := mv(fn.Mul(tgt, mv(fn.Log(p))))
			b := mv(fn.Mul(mv(fn.Sub(s[0], tgt)), mv(fn.Log(mv(fn.Sub(s[0], p))))))
			return []compute.Value{mv(fn.Neg(mv(fn.Add(a, b)))), p}
		}}, 1},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{7, 1000, 40_001} {
		shape := shapes.Make(dtypes.Float32, size)
		for _, tc := range cases {
			c := tc.c
			full := make([][]float32, c.full)
			for i := range full {
				full[i] = make([]float32, size)
				for j := range full[i] {
					full[i][j] = f32(rng.NormFloat64())
				}
			}
			if c.name == "adam" || c.name == "xent" { // v >= 0, targets in [0,1]
				for j := range full[c.full-1] {
					full[c.full-1][j] = f32(math.Abs(float64(full[c.full-1][j])) / 3)
				}
			}
			scalars := make([]float32, c.scalars)
			for i := range scalars {
				scalars[i] = f32(0.5 + rng.Float64())
			}
			if c.name == "xent" {
				scalars[0] = 1
			}
			ops.DisableElementwiseFusion = true
			want, n0 := runFusionCase(t, c, shape, full, scalars)
			ops.DisableElementwiseFusion = false
			got, n1 := runFusionCase(t, c, shape, full, scalars)
			if n0 != 0 || n1 != tc.wantFused {
				t.Errorf("%s size %d: %d fused nodes (%d with fusion off), want %d", c.name, size, n1, n0, tc.wantFused)
			}
			for o := range want {
				for j := range want[o] {
					w, g := want[o][j], got[o][j]
					if math.Float32bits(w) != math.Float32bits(g) && !(w != w && g != g) {
						t.Fatalf("%s size %d output %d [%d]: fused %v, unfused %v", c.name, size, o, j, g, w)
					}
				}
			}
		}
	}
}

// TestFuseElementwiseBroadcast checks inputs broadcast along leading axes
// (a bias [1, C] against [R, C], a scalar) at shapes that straddle chunks:
// relu(x + b) * s - neg(b) with neg(b) computed unfused (it has b's shape).
func TestFuseElementwiseBroadcast(t *testing.T) {
	for _, dims := range [][2]int{{3, 5}, {700, 33}, {2000, 48}} {
		r, c := dims[0], dims[1]
		rng := rand.New(rand.NewPCG(uint64(r), uint64(c)))
		x := make([]float32, r*c)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		bias := make([]float32, c)
		for i := range bias {
			bias[i] = float32(rng.NormFloat64())
		}
		run := func() ([]float32, int) {
			builder := backend.Builder("fusion_bias")
			fn := builder.Main()
			xp := mv(fn.Parameter("x", shapes.Make(dtypes.Float32, r, c), nil))
			bp := mv(fn.Parameter("b", shapes.Make(dtypes.Float32, 1, c), nil))
			sp := mv(fn.Parameter("s", shapes.Make(dtypes.Float32), nil))
			zero := mv(fn.Constant([]float32{0}))
			y := mv(fn.Max(mv(fn.Add(xp, bp)), zero))
			y = mv(fn.Sub(mv(fn.Mul(y, sp)), mv(fn.Neg(bp))))
			if err := fn.Return([]compute.Value{y}, nil); err != nil {
				t.Fatal(err)
			}
			exec, err := builder.Compile()
			if err != nil {
				t.Fatalf("%+v", err)
			}
			defer exec.Finalize()
			fused := 0
			for _, n := range builder.(*gobackend.Builder).MainFn.Nodes {
				if n.OpType == compute.OpTypeFusedElementwise {
					fused++
				}
			}
			res, err := exec.Execute([]compute.Buffer{
				makeBuffer(t, shapes.Make(dtypes.Float32, r, c), append([]float32(nil), x...)),
				makeBuffer(t, shapes.Make(dtypes.Float32, 1, c), append([]float32(nil), bias...)),
				makeBuffer(t, shapes.Make(dtypes.Float32), []float32{1.5}),
			}, []bool{true, false, false}, 0)
			if err != nil {
				t.Fatalf("%+v", err)
			}
			return append([]float32(nil), res[0].(*gobackend.Buffer).Flat.([]float32)...), fused
		}
		ops.DisableElementwiseFusion = true
		want, n0 := run()
		ops.DisableElementwiseFusion = false
		got, n1 := run()
		if n0 != 0 || n1 != 1 {
			t.Errorf("[%d,%d]: %d fused nodes (%d with fusion off), want 1", r, c, n1, n0)
		}
		for i := range want {
			ref := max(x[i]+bias[i%c], 0)*1.5 + bias[i%c]
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) || math.Abs(float64(got[i]-ref)) > 1e-5 {
				t.Fatalf("[%d,%d] element %d: fused %v, unfused %v, direct %v", r, c, i, got[i], want[i], ref)
			}
		}
	}
}

// TestFuseElementwiseSpecialValues runs sign, sqrt and the four SIMD
// arithmetic ops on zeros of both signs, NaN, infinities and subnormals,
// fused and unfused, and wants the same bits (NaNs: any NaN).
func TestFuseElementwiseSpecialValues(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-45, -1e-45, 1, -2.5, 3e38}
	n := 37
	x := make([]float32, n)
	for i := range x {
		x[i] = specials[i%len(specials)]
	}
	c := fusionCase{"special", 1, 1, func(t *testing.T, fn compute.Function, v, s []compute.Value) []compute.Value {
		a := mv(fn.Sign(mv(fn.Mul(v[0], s[0]))))
		b := mv(fn.Sqrt(mv(fn.Add(v[0], s[0]))))
		d := mv(fn.Div(mv(fn.Sub(v[0], s[0])), v[0]))
		return []compute.Value{mv(fn.Add(mv(fn.Mul(a, b)), d))}
	}}
	shape := shapes.Make(dtypes.Float32, n)
	for _, sv := range []float32{1, -1, 0} {
		ops.DisableElementwiseFusion = true
		want, _ := runFusionCase(t, c, shape, [][]float32{x}, []float32{sv})
		ops.DisableElementwiseFusion = false
		got, fused := runFusionCase(t, c, shape, [][]float32{x}, []float32{sv})
		if fused != 1 {
			t.Errorf("%d fused nodes, want 1", fused)
		}
		for j, w := range want[0] {
			g := got[0][j]
			if math.Float32bits(w) != math.Float32bits(g) && !(w != w && g != g) {
				t.Fatalf("s=%v x=%v: fused %v, unfused %v", sv, x[j], g, w)
			}
		}
	}
}

// TestFuseElementwiseWhere checks LeakyReLU and its two gradient branches,
// which share one comparison (x >= 0, three uses) and one broadcast zero:
// the comparison and the zero are recomputed inside each fused tree, the
// three Where trees are fused, and the results are bit-identical to the
// unfused graph, NaNs and signed zeros included.
func TestFuseElementwiseWhere(t *testing.T) {
	n := 1000
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n)
	v := make([]float32, n)
	for i := range x {
		x[i], v[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	x[0], x[1], x[2] = 0, float32(math.Copysign(0, -1)), float32(math.NaN())
	c := fusionCase{"where", 2, 1, func(t *testing.T, fn compute.Function, in, s []compute.Value) []compute.Value {
		shape := shapes.Make(dtypes.Float32, n)
		zero := mv(fn.BroadcastInDim(mv(fn.Constant([]float32{0})), shape, nil))
		cond := mv(fn.GreaterOrEqual(in[0], zero))
		y := mv(fn.Where(cond, in[0], mv(fn.Mul(in[0], s[0]))))
		gx := mv(fn.Where(cond, in[1], zero))
		ga := mv(fn.Mul(mv(fn.Where(cond, zero, in[1])), s[0]))
		return []compute.Value{mv(fn.Add(y, s[0])), gx, ga}
	}}
	shape := shapes.Make(dtypes.Float32, n)
	ops.DisableElementwiseFusion = true
	want, _ := runFusionCase(t, c, shape, [][]float32{x, v}, []float32{0.1})
	ops.DisableElementwiseFusion = false
	got, fused := runFusionCase(t, c, shape, [][]float32{x, v}, []float32{0.1})
	if fused != 3 {
		t.Errorf("%d fused nodes, want 3", fused)
	}
	for o := range want {
		for j, w := range want[o] {
			if g := got[o][j]; math.Float32bits(w) != math.Float32bits(g) && !(w != w && g != g) {
				t.Fatalf("output %d [%d] (x=%v): fused %v, unfused %v", o, j, x[j], g, w)
			}
		}
	}
}

// TestFuseElementwiseScalarRegisters checks trees whose registers hold a
// single value (broadcasts of constants, ops of two of them, a comparison
// of two of them as a Where condition, for either outcome), which the
// fused executor keeps as values instead of filling chunks: the results
// are bit-identical to the unfused graph.
func TestFuseElementwiseScalarRegisters(t *testing.T) {
	n := 1000
	rng := rand.New(rand.NewPCG(9, 10))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	c := fusionCase{"scalar registers", 1, 2, func(t *testing.T, fn compute.Function, in, s []compute.Value) []compute.Value {
		shape := shapes.Make(dtypes.Float32, n)
		b := func(v compute.Value) compute.Value { return mv(fn.BroadcastInDim(v, shape, nil)) }
		two, three := b(s[0]), b(s[1])
		sum := mv(fn.Add(two, three))                 // scalar op scalar
		scaled := mv(fn.Mul(in[0], mv(fn.Sqrt(sum)))) // vector op unary(scalar)
		ge := mv(fn.GreaterOrEqual(b(s[0]), b(s[1]))) // false: picks the second side
		lt := mv(fn.LessThan(b(s[0]), b(s[1])))       // true: picks the first side
		w1 := mv(fn.Where(ge, in[0], b(s[1])))        // -> 3 everywhere
		w2 := mv(fn.Where(lt, scaled, in[0]))         // -> scaled
		return []compute.Value{mv(fn.Add(w1, w2)), mv(fn.Sub(mv(fn.Where(lt, b(s[0]), in[0])), sum))}
	}}
	shape := shapes.Make(dtypes.Float32, n)
	ops.DisableElementwiseFusion = true
	want, _ := runFusionCase(t, c, shape, [][]float32{x}, []float32{2, 3})
	ops.DisableElementwiseFusion = false
	got, fused := runFusionCase(t, c, shape, [][]float32{x}, []float32{2, 3})
	if fused < 2 {
		t.Errorf("%d fused nodes, want 2", fused)
	}
	for o := range want {
		for j, w := range want[o] {
			if g := got[o][j]; math.Float32bits(w) != math.Float32bits(g) {
				t.Fatalf("output %d [%d]: fused %v, unfused %v", o, j, g, w)
			}
		}
	}
}

// TestFuseElementwiseDeadConsumer checks the LeakyReLU gradient as GoMLX's
// autodiff builds it: the false branch Where(x >= 0, 0, v) also feeds the
// gradient with respect to the constant slope, which nothing reads. That
// dead consumer must not keep the branch out of the gradient's tree: one
// fused node, bit-identical to the unfused graph.
func TestFuseElementwiseDeadConsumer(t *testing.T) {
	n := 1000
	rng := rand.New(rand.NewPCG(11, 12))
	x, v := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], v[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	c := fusionCase{"dead consumer", 2, 1, func(t *testing.T, fn compute.Function, in, s []compute.Value) []compute.Value {
		shape := shapes.Make(dtypes.Float32, n)
		zero := mv(fn.BroadcastInDim(mv(fn.Constant([]float32{0})), shape, nil))
		cond := mv(fn.GreaterOrEqual(in[0], zero))
		falseBranch := mv(fn.Where(cond, zero, in[1]))
		_ = mv(fn.Mul(falseBranch, in[0])) // dead: the slope's gradient
		return []compute.Value{mv(fn.Add(mv(fn.Where(cond, in[1], zero)), mv(fn.Mul(falseBranch, s[0]))))}
	}}
	shape := shapes.Make(dtypes.Float32, n)
	ops.DisableElementwiseFusion = true
	want, _ := runFusionCase(t, c, shape, [][]float32{x, v}, []float32{0.1})
	ops.DisableElementwiseFusion = false
	got, fused := runFusionCase(t, c, shape, [][]float32{x, v}, []float32{0.1})
	if fused != 1 {
		t.Errorf("%d fused nodes, want 1", fused)
	}
	for j, w := range want[0] {
		if g := got[0][j]; math.Float32bits(w) != math.Float32bits(g) {
			t.Fatalf("[%d]: fused %v, unfused %v", j, g, w)
		}
	}
}

// TestFuseElementwiseCompareWhereSpecialValues runs each of the six
// comparisons into a Where, over every pair of special values (NaN on
// either side, signed zeros, infinities, subnormals; 37 elements, so the
// 8-wide loops and their scalar tails both run), against a scalar and
// against a vector, fused and unfused, and wants the same bits.
func TestFuseElementwiseCompareWhereSpecialValues(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-45, -1e-45, 1, -2.5, 3e38, 1}
	n := 37
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = specials[i%len(specials)]
		y[i] = specials[(i/len(specials)+i)%len(specials)]
	}
	type cmpFn func(fn compute.Function, a, b compute.Value) (compute.Value, error)
	cmps := []cmpFn{
		compute.Function.GreaterOrEqual, compute.Function.GreaterThan, compute.Function.LessOrEqual,
		compute.Function.LessThan, compute.Function.Equal, compute.Function.NotEqual,
	}
	c := fusionCase{"compare-where", 2, 1, func(t *testing.T, fn compute.Function, in, s []compute.Value) []compute.Value {
		var outs []compute.Value
		for _, cmp := range cmps {
			vv := mv(cmp(fn, in[0], in[1]))                                                            // vector, vector
			vs := mv(cmp(fn, in[0], mv(fn.BroadcastInDim(s[0], shapes.Make(dtypes.Float32, n), nil)))) // vector, scalar
			outs = append(outs,
				mv(fn.Add(mv(fn.Where(vv, in[0], mv(fn.Mul(in[1], s[0])))), s[0])),
				mv(fn.Add(mv(fn.Where(vs, s[0], in[1])), s[0])))
		}
		return outs
	}}
	shape := shapes.Make(dtypes.Float32, n)
	for _, sv := range []float32{1, float32(math.NaN()), 0} {
		ops.DisableElementwiseFusion = true
		want, _ := runFusionCase(t, c, shape, [][]float32{x, y}, []float32{sv})
		ops.DisableElementwiseFusion = false
		got, fused := runFusionCase(t, c, shape, [][]float32{x, y}, []float32{sv})
		if fused != 2*len(cmps) {
			t.Errorf("s=%v: %d fused nodes, want %d", sv, fused, 2*len(cmps))
		}
		for o := range want {
			for j, w := range want[o] {
				if g := got[o][j]; math.Float32bits(w) != math.Float32bits(g) && !(w != w && g != g) {
					t.Fatalf("s=%v output %d [%d] (x=%v, y=%v): fused %v, unfused %v", sv, o, j, x[j], y[j], g, w)
				}
			}
		}
	}
}
