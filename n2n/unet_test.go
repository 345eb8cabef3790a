package n2n

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/layer"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// TestUNetParamsByHand checks the closed form and the table's per-layer
// counts against counts done by hand from the paper's table.
func TestUNetParamsByHand(t *testing.T) {
	// n = m = 1, paper widths.
	want := map[string]int{
		"ENC_CONV0":  1*48*9 + 48,       // 480
		"ENC_CONV1":  48*48*9 + 48,      // 20784
		"ENC_CONV6":  48*48*9 + 48,      // 20784
		"DEC_CONV5A": (48+48)*96*9 + 96, // CONCAT5 = UPSAMPLE5 (48) + POOL4 (48)
		"DEC_CONV4A": (96+48)*96*9 + 96, // CONCAT4 = 96 + POOL3 (48)
		"DEC_CONV2B": 96*96*9 + 96,
		"DEC_CONV1A": (96+1)*64*9 + 64, // CONCAT1 = 96 + INPUT (n = 1)
		"DEC_CONV1B": 64*32*9 + 32,
		"DEC_CONV1C": 32*1*9 + 1,
	}
	rows, err := DefaultUNetConfig(1, 1).Rows(64, 64)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]UNetRow{}
	total := 0
	for _, r := range rows {
		got[r.Name] = r
		total += r.Params
	}
	for name, w := range want {
		if got[name].Params != w {
			t.Errorf("%s: %d parameters, want %d", name, got[name].Params, w)
		}
	}
	if len(rows) != 34 {
		t.Errorf("%d rows, want 34 (INPUT + the paper's 33 layers)", len(rows))
	}
	if got["CONCAT1"].NOut != 97 || got["CONCAT4"].NOut != 144 || got["CONCAT5"].NOut != 96 {
		t.Errorf("CONCAT1/4/5 have %d/%d/%d channels, want 97 (96+n)/144/96",
			got["CONCAT1"].NOut, got["CONCAT4"].NOut, got["CONCAT5"].NOut)
	}
	if got["ENC_CONV6"].H != 2 || got["POOL1"].H != 32 || got["DEC_CONV1C"].H != 64 {
		t.Errorf("sizes ENC_CONV6 %d, POOL1 %d, DEC_CONV1C %d; want 2, 32, 64 for a 64x64 input",
			got["ENC_CONV6"].H, got["POOL1"].H, got["DEC_CONV1C"].H)
	}
	// Totals: summed by hand (and in the doc comment of Params).
	for _, c := range []struct {
		cfg  UNetConfig
		want int
	}{
		{DefaultUNetConfig(1, 1), 988609},
		{DefaultUNetConfig(3, 3), 991203},
		{UNetConfig{In: 1, Out: 1, Width: 0.5}, 247777},
	} {
		if p := c.cfg.Params(); p != c.want {
			t.Errorf("%+v: Params() = %d, want %d", c.cfg, p, c.want)
		}
	}
	if total != UNetParams(1, 1) {
		t.Errorf("table rows sum to %d, closed form says %d", total, UNetParams(1, 1))
	}
	if e, d, a, b := (UNetConfig{In: 1, Out: 1, Width: 0.5}).Channels(); e != 24 || d != 48 || a != 32 || b != 16 {
		t.Errorf("Width 0.5 channels %d/%d/%d/%d, want 24/48/32/16", e, d, a, b)
	}
}

// TestUNetGraphMatchesTable builds the graph (without running it) for
// several configurations and input sizes and checks every row's output
// shape, the total parameter count against the closed form, and each
// convolution's variables against its row.
func TestUNetGraphMatchesTable(t *testing.T) {
	for _, c := range []struct {
		cfg  UNetConfig
		h, w int
	}{
		{DefaultUNetConfig(1, 1), 32, 32},
		{DefaultUNetConfig(3, 3), 64, 64},
		{DefaultUNetConfig(3, 1), 32, 96},
		{UNetConfig{In: 1, Out: 2, Width: 0.5}, 128, 64},
		{UNetConfig{In: 2, Out: 1, Width: 0.25}, 32, 32},
	} {
		t.Run(fmt.Sprintf("n%d_m%d_w%g_%dx%d", c.cfg.In, c.cfg.Out, c.cfg.Width, c.h, c.w), func(t *testing.T) {
			rows, err := c.cfg.Rows(c.h, c.w)
			if err != nil {
				t.Fatal(err)
			}
			store := model.NewStore()
			recorded := map[string][]int{}
			var order []string
			if e := exceptions.Try(func() {
				g := NewGraph(backend.Shared(), "unet-test")
				defer g.Finalize()
				model.SetStore(g, store)
				x := Parameter(g, "x", shapes.Make(dtypes.Float32, 2, c.h, c.w, c.cfg.In))
				y := unet(store.RootScope(), x, c.cfg, func(name string, y *Node) {
					recorded[name] = y.Shape().Dimensions
					order = append(order, name)
				})
				y.AssertDims(2, c.h, c.w, c.cfg.Out)
			}); e != nil {
				t.Fatalf("building the graph: %v", e)
			}
			if len(order) != len(rows) {
				t.Fatalf("graph recorded %d rows, table has %d", len(order), len(rows))
			}
			for i, r := range rows {
				if order[i] != r.Name {
					t.Errorf("row %d: graph %s, table %s", i, order[i], r.Name)
				}
				want := []int{2, r.H, r.W, r.NOut}
				if fmt.Sprint(recorded[r.Name]) != fmt.Sprint(want) {
					t.Errorf("%s: graph shape %v, table %v", r.Name, recorded[r.Name], want)
				}
			}
			if n := store.NumParameters(); n != c.cfg.Params() {
				t.Errorf("store holds %d parameters, closed form %d", n, c.cfg.Params())
			}
			per := map[string]int{}
			vars := 0
			for v := range store.IterVariables() {
				per[strings.TrimPrefix(v.Scope(), "/")] += v.Shape().Size()
				vars++
			}
			if vars != 2*18 {
				t.Errorf("%d variables, want 36 (weights and biases of 18 convolutions)", vars)
			}
			for _, r := range rows {
				if r.Scope != "" && per[r.Scope] != r.Params {
					t.Errorf("%s: scope %q holds %d parameters, row says %d", r.Name, r.Scope, per[r.Scope], r.Params)
				}
			}
		})
	}
}

func TestCountUNetParams(t *testing.T) {
	cfg := DefaultUNetConfig(1, 1)
	n, per, err := CountUNetParams(cfg, 32)
	if err != nil {
		t.Fatal(err)
	}
	if n != 988609 || per["enc_conv0"] != 480 || per["dec_conv1c"] != 289 {
		t.Errorf("CountUNetParams = %d (enc_conv0 %d, dec_conv1c %d), want 988609 (480, 289)", n, per["enc_conv0"], per["dec_conv1c"])
	}
	if _, _, err := CountUNetParams(cfg, 48); err == nil {
		t.Error("side 48: no error")
	}
}

func TestUNetBadInputs(t *testing.T) {
	for _, hw := range [][2]int{{48, 64}, {0, 32}, {32, 16}, {-32, 32}} {
		if err := CheckUNetSide(hw[0], hw[1]); err == nil {
			t.Errorf("CheckUNetSide(%d, %d): no error", hw[0], hw[1])
		}
		if _, err := DefaultUNetConfig(1, 1).Rows(hw[0], hw[1]); err == nil {
			t.Errorf("Rows(%d, %d): no error", hw[0], hw[1])
		}
	}
	if _, err := UNetTable(1, 1, 100); err == nil || !strings.Contains(err.Error(), "multiples of 32") {
		t.Errorf("UNetTable side 100: error %v, want one about multiples of 32", err)
	}
	for _, cfg := range []UNetConfig{{In: 0, Out: 1}, {In: 1, Out: 0}, {In: 1, Out: 1, Width: -1}, {In: 1, Out: 1, Width: math.NaN()}} {
		if cfg.Validate() == nil {
			t.Errorf("%+v: Validate() = nil", cfg)
		}
	}
	build := func(dims []int, cfg UNetConfig) any {
		return exceptions.Try(func() {
			g := NewGraph(backend.Shared(), "bad")
			defer g.Finalize()
			store := model.NewStore()
			model.SetStore(g, store)
			UNet(store.RootScope(), Parameter(g, "x", shapes.Make(dtypes.Float32, dims...)), cfg)
		})
	}
	for _, c := range []struct {
		dims []int
		cfg  UNetConfig
		msg  string
	}{
		{[]int{1, 48, 48, 1}, DefaultUNetConfig(1, 1), "multiples of 32"},
		{[]int{1, 32, 32, 3}, DefaultUNetConfig(1, 1), "3 channels"},
		{[]int{32, 32, 1}, DefaultUNetConfig(1, 1), "[B, H, W, C]"},
	} {
		e := build(c.dims, c.cfg)
		if e == nil || !strings.Contains(fmt.Sprint(e), c.msg) {
			t.Errorf("UNet on %v: panic %v, want one mentioning %q", c.dims, e, c.msg)
		}
	}
}

// TestUNetForwardHomogeneous runs a narrow U-Net. With He-normal weights
// and zero biases, every layer (3x3 convolution without bias, leaky ReLU,
// max pooling, nearest upsampling, concatenation) is positively
// homogeneous, so phi(2x) = 2 phi(x) exactly up to rounding, while
// phi(-x) != -phi(x) (the leaky ReLUs are not odd): a check that the
// biases start at zero and that the only nonlinearities are the leaky
// ReLUs.
func TestUNetForwardHomogeneous(t *testing.T) {
	cfg := UNetConfig{In: 1, Out: 2, Width: 0.25}
	const b, side = 2, 32
	x := make([]float32, b*side*side)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)) + 0.2
	}
	scaled := make([]float32, len(x))
	neg := make([]float32, len(x))
	for i, v := range x {
		scaled[i], neg[i] = 2*v, -v
	}
	store := model.NewStore()
	if err := layer.SetSeed(store, 3); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(backend.Shared(), store, func(scope *model.Scope, in []*Node) []*Node {
		return []*Node{UNet(scope, in[0], cfg)}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	run := func(v []float32) []float32 {
		outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(v, b, side, side, 1))
		if err != nil {
			t.Fatal(err)
		}
		if got := outs[0].Shape().Dimensions; fmt.Sprint(got) != fmt.Sprint([]int{b, side, side, 2}) {
			t.Fatalf("output shape %v, want [%d %d %d 2]", got, b, side, side)
		}
		return tensors.MustCopyFlatData[float32](outs[0])
	}
	y, y2, yn := run(x), run(scaled), run(neg)
	var maxAbs, maxHom, maxOdd float64
	for i := range y {
		if math.IsNaN(float64(y[i])) || math.IsInf(float64(y[i]), 0) {
			t.Fatalf("output %d is %g", i, y[i])
		}
		maxAbs = max(maxAbs, math.Abs(float64(y[i])))
		maxHom = max(maxHom, math.Abs(float64(y2[i]-2*y[i])))
		maxOdd = max(maxOdd, math.Abs(float64(yn[i]+y[i])))
	}
	if maxAbs < 1e-3 {
		t.Fatalf("output is ~0 (max |y| = %g): weights not initialised?", maxAbs)
	}
	if maxHom > 1e-4*maxAbs {
		t.Errorf("max |phi(2x) - 2 phi(x)| = %g (max |phi(x)| = %g): not homogeneous", maxHom, maxAbs)
	}
	if maxOdd < 1e-2*maxAbs {
		t.Errorf("max |phi(-x) + phi(x)| = %g: the network looks linear", maxOdd)
	}
	// The biases start at zero (He-normal initialisation as in the paper).
	for _, name := range []string{"/enc_conv0/biases", "/dec_conv1c/biases"} {
		v := store.GetVariable(name)
		if v == nil {
			t.Fatalf("no variable %s", name)
		}
		for i, b := range tensors.MustCopyFlatData[float32](v.MustValue()) {
			if b != 0 {
				t.Errorf("%s[%d] = %g, want 0", name, i, b)
			}
		}
	}
}
