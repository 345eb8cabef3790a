package train

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// affineStore returns a store whose /linear/w = 3 and /linear/b = 1 exactly.
func affineStore(t *testing.T) *model.Store {
	t.Helper()
	s := model.NewStore()
	if _, err := s.CreateVariable("/linear/w", tensorsOf([]float32{3}, 1, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateVariable("/linear/b", tensorsOf([]float32{1}, 1)); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPredict: batched prediction (with a padded last batch) equals the
// closed form 3x+1 and a single Eval over all rows.
func TestPredict(t *testing.T) {
	s := affineStore(t)
	n := 10
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i) - 4.5
	}
	for _, bs := range []int{1, 3, 4, 10, 16} {
		y, dims, err := Predict(nil, s, linearModel, x, []int{n, 1}, bs)
		if err != nil {
			t.Fatal(err)
		}
		if len(dims) != 2 || dims[0] != n || dims[1] != 1 || len(y) != n {
			t.Fatalf("batch %d: dims %v len %d", bs, dims, len(y))
		}
		for i := range y {
			if want := 3*x[i] + 1; y[i] != want {
				t.Errorf("batch %d: y[%d] = %g, want %g", bs, i, y[i], want)
			}
		}
	}
	in := tensorsOf(x, n, 1)
	outs, err := Eval(nil, s, linearModel, in)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Ok() {
		t.Errorf("Eval finalized its input")
	}
	got := tensors.MustCopyFlatData[float32](outs[0])
	if got[9] != 3*4.5+1 {
		t.Errorf("Eval y[9] = %g", got[9])
	}
}

// TestEvalInferenceMode: the model sees IsTraining == false in Eval.
func TestEvalInferenceMode(t *testing.T) {
	flag := func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		g := in[0].Graph()
		v := 0.0
		if scope.Store().IsTraining(g) {
			v = 1
		}
		return []*graph.Node{graph.Const(g, float32(v))}
	}
	outs, err := Eval(nil, model.NewStore(), flag, tensorsOf([]float32{0}, 1))
	if err != nil {
		t.Fatal(err)
	}
	if v := outs[0].Value().(float32); v != 0 {
		t.Errorf("IsTraining was true in Eval")
	}
}

func TestPredictErrors(t *testing.T) {
	s := affineStore(t)
	x := []float32{1, 2, 3, 4}
	for _, tc := range []struct {
		dims []int
		bs   int
		want string
	}{
		{[]int{4, 1}, 0, "batchSize"},
		{[]int{3, 1}, 2, "len(data)"},
		{nil, 2, "dims is empty"},
		{[]int{4, 0}, 2, "dims[1]"},
	} {
		if _, _, err := Predict(nil, s, linearModel, x, tc.dims, tc.bs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("dims %v batch %d: err = %v, want %q", tc.dims, tc.bs, err, tc.want)
		}
	}
	// A model whose output is not [batch, ...] float32.
	sum := func(_ *model.Scope, in []*graph.Node) []*graph.Node { return []*graph.Node{graph.ReduceAllSum(in[0])} }
	if _, _, err := Predict(nil, s, sum, x, []int{4, 1}, 2); err == nil || !strings.Contains(err.Error(), "want float32 [2, ...]") {
		t.Errorf("scalar output: err = %v", err)
	}
	// A shape error while building the graph comes back as an error.
	bad := func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		w := scope.VariableWithShape("w", shapes.Make(dtypes.Float32, 3, 3)).NodeValue(in[0].Graph())
		return []*graph.Node{graph.MatMul(in[0], w)}
	}
	if _, _, err := Predict(nil, model.NewStore(), bad, x, []int{4, 1}, 2); err == nil {
		t.Errorf("shape mismatch: no error")
	}
	if _, err := NewPredictor(nil, nil, linearModel); err == nil {
		t.Errorf("nil store accepted")
	}
}

func TestMSE(t *testing.T) {
	got, err := MSE([]float32{1, 2, 3}, []float32{1, 4, 0})
	if err != nil || math.Abs(got-13.0/3) > 1e-12 {
		t.Errorf("MSE = %v, %v; want 13/3", got, err)
	}
	if _, err := MSE([]float32{1}, []float32{1, 2}); err == nil {
		t.Errorf("length mismatch accepted")
	}
	if _, err := MSE(nil, nil); err == nil {
		t.Errorf("empty input accepted")
	}
}
