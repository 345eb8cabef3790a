package dae

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestMNISTLayers checks the architecture table against hand-computed
// sizes (28->24->20->9->4->1 and back) and parameter counts.
func TestMNISTLayers(t *testing.T) {
	const b = 7
	layers, err := MNISTLayers(b)
	if err != nil {
		t.Fatal(err)
	}
	wantSides := []int{24, 20, 9, 4, 1, 4, 9, 20, 24, 28}
	wantParams := []int{
		1*32*25 + 32,  // enc1: 832
		32*32*25 + 32, // enc2: 25632
		32*32*16 + 32, // enc3: 16416
		32*32*9 + 32,  // enc4: 9248
		32*b*16 + b,   // enc5
		b*32*16 + 32,  // dec1
		32*32*9 + 32,  // dec2
		32*32*16 + 32, // dec3
		32*32*25 + 32, // dec4
		32*1*25 + 1,   // dec5: 801
	}
	var sides, params []int
	total := 0
	for _, l := range layers {
		sides = append(sides, l.Side)
		params = append(params, l.Params)
		total += l.Params
	}
	if !slices.Equal(sides, wantSides) {
		t.Errorf("sides %v, want %v", sides, wantSides)
	}
	if !slices.Equal(params, wantParams) {
		t.Errorf("params %v, want %v", params, wantParams)
	}
	if params[0] != 832 || params[9] != 801 {
		t.Errorf("first/last layer params %d, %d, want 832, 801", params[0], params[9])
	}
	if MNISTParams(b) != total || total != 104257+1025*b {
		t.Errorf("MNISTParams(%d) = %d, sum %d, want %d", b, MNISTParams(b), total, 104257+1025*b)
	}
	if MNISTParams(16) != 120657 {
		t.Errorf("MNISTParams(16) = %d, want 120657", MNISTParams(16))
	}
	if _, err := MNISTLayers(0); err == nil {
		t.Error("bottleneck 0 should fail")
	}
	if MNISTParams(0) != 0 {
		t.Error("MNISTParams(0) should be 0")
	}
	table := MNISTLayerTable(b)
	for _, want := range []string{
		"enc1   Conv2D(1->32) ReLU", "[N, 1, 1, 7]", "dec5   ConvTranspose2D(32->1)",
		"[N, 28, 28, 1]", fmt.Sprint(104257 + 1025*b),
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if got := strings.Count(table, "\n"); got != 13 {
		t.Errorf("table has %d lines, want 13 (header, input, 10 layers, total)", got)
	}
	if !strings.Contains(MNISTLayerTable(0), "bottleneck") {
		t.Error("table of an invalid bottleneck should say why")
	}
}

// TestMNISTAutoencoderBuilt builds the network and checks its output shape
// and that the variables it created are exactly those of MNISTLayers.
func TestMNISTAutoencoderBuilt(t *testing.T) {
	const b, n = 3, 2
	store := model.NewStore()
	if err := layer.SetSeed(store, 1); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(backend.Shared(), store, func(scope *model.Scope, x *Node) *Node {
		return MNISTAutoencoder(scope, x, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := tensors.FromFlatDataAndDimensions(inkImages(n, 28, 28, 1), n, 28, 28, 1)
	outs, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	if d := outs[0].Shape().Dimensions; !slices.Equal(d, []int{n, 28, 28, 1}) {
		t.Errorf("output %v, want [%d 28 28 1]", d, n)
	}
	y, _ := tensors.CopyFlatData[float32](outs[0])
	if slices.ContainsFunc(y, func(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) }) {
		t.Error("non-finite output")
	}
	layers, _ := MNISTLayers(b)
	seen := map[string]bool{}
	for v := range store.IterVariables() {
		seen[v.Path()] = true
	}
	count := 0
	for _, l := range layers {
		for _, vw := range []struct {
			name string
			dims []int
		}{
			{layer.WeightsName, []int{l.Kernel, l.Kernel, l.In, l.Out}},
			{layer.BiasesName, []int{l.Out}},
		} {
			path := "/" + l.Name + "/" + vw.name
			v := store.GetVariable(path)
			if v == nil {
				t.Errorf("variable %s missing", path)
				continue
			}
			if !slices.Equal(v.Shape().Dimensions, vw.dims) {
				t.Errorf("%s is %v, want %v", path, v.Shape().Dimensions, vw.dims)
			}
			count += v.Shape().Size()
			delete(seen, path)
		}
	}
	delete(seen, "/"+model.RNGStateVariableName) // the store's RNG state
	for p := range seen {
		t.Errorf("unexpected variable %s", p)
	}
	if count != MNISTParams(b) {
		t.Errorf("built %d parameters, MNISTParams says %d", count, MNISTParams(b))
	}
}

// TestMNISTAutoencoderBadInput: a wrong input shape is reported, naming the
// expected shape.
func TestMNISTAutoencoderBadInput(t *testing.T) {
	for _, dims := range [][]int{{2, 27, 27, 1}, {2, 28, 28, 3}, {2, 784}} {
		exec, err := model.NewExec(backend.Shared(), model.NewStore(), func(scope *model.Scope, x *Node) *Node {
			return MNISTAutoencoder(scope, x, 4)
		})
		if err != nil {
			t.Fatal(err)
		}
		size := 1
		for _, d := range dims {
			size *= d
		}
		_, err = exec.Exec(tensors.FromFlatDataAndDimensions(make([]float32, size), dims...))
		if err == nil || !strings.Contains(err.Error(), "[N, 28, 28, 1]") {
			t.Errorf("input %v: err = %v, want one naming [N, 28, 28, 1]", dims, err)
		}
		exec.Finalize()
	}
}

// TestMNISTLoss: 0.5 * sum of squares / N in normalised units, checked on
// hand-computed cases: an error of one MNISTStd at every pixel costs
// 0.5 * 784 per image.
func TestMNISTLoss(t *testing.T) {
	const n = 2
	x := inkImages(n, 28, 28, 3)
	pred := slices.Clone(x)
	for i := range pred {
		pred[i] += MNISTStd
	}
	lossOf := func(p, l []float32) float64 {
		exec, err := NewExec(backend.Shared(), func(p, l *Node) *Node {
			return MNISTLoss([]*Node{l}, []*Node{p})
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(p, n, 28, 28, 1), tensors.FromFlatDataAndDimensions(l, n, 28, 28, 1))
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.ToScalar[float32](outs[0]))
	}
	if got := lossOf(pred, x); math.Abs(got-0.5*784) > 1e-3 {
		t.Errorf("loss %g, want %g", got, 0.5*784)
	}
	// One pixel of image 1 off by 3 std units: 0.5 * 9 / 2.
	pred = slices.Clone(x)
	pred[784+100] += 3 * MNISTStd
	if got := lossOf(pred, x); math.Abs(got-0.5*9/2) > 1e-4 {
		t.Errorf("loss %g, want %g", got, 0.5*9/2)
	}
}

// TestMNISTDenoiserNormalises: MNISTDenoiser(x) = MNISTStd * AE((x -
// MNISTMean) / MNISTStd) + MNISTMean with the same variables.
func TestMNISTDenoiserNormalises(t *testing.T) {
	const b, n = 2, 2
	store := model.NewStore()
	if err := layer.SetSeed(store, 3); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(backend.Shared(), store, func(scope *model.Scope, x *Node) []*Node {
		den := MNISTDenoiser(scope, x, b)
		xn := DivScalar(SubScalar(x, MNISTMean), MNISTStd)
		ae := MNISTAutoencoder(scope.Store().Scope("/"), xn, b) // a fresh scope object at the root: same variables
		return []*Node{den, ae}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := inkImages(n, 28, 28, 4)
	outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, n, 28, 28, 1))
	if err != nil {
		t.Fatal(err)
	}
	den, ae := floats(t, outs[0]), floats(t, outs[1])
	for i := range den {
		want := float64(ae[i])*MNISTStd + MNISTMean
		if math.Abs(float64(den[i])-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("pixel %d: denoiser %g, want std*AE+mean = %g", i, den[i], want)
		}
	}
	if got := store.NumVariables(); got != 20+1 { // 10 layers x (weights, biases) + the RNG state
		t.Errorf("store holds %d variables, want 21: the two paths did not share them", got)
	}
}
