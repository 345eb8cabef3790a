package layer

import (
	"fmt"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// BuildVariables builds a model's graph for one float32 input of the given
// dims (e.g. 1, 8, 8, 3) without compiling or running it, and returns the
// store holding the variables the model created. Variables are declared but
// never initialised, so even a 43M-parameter EDSR takes milliseconds: this is
// how parameter counts are read off the built graph
// (store.NumParameters(), store.IterVariables()). A panic while building (a
// shape error) comes back as an error.
func BuildVariables(build func(scope *model.Scope, x *Node) *Node, dims ...int) (store *model.Store, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("layer.BuildVariables: no backend: %v", r)
		}
	}()
	b := backend.Shared()
	store = model.NewStore()
	if e := exceptions.Try(func() {
		g := NewGraph(b, "layer.BuildVariables")
		defer g.Finalize()
		model.SetStore(g, store)
		build(store.RootScope(), Parameter(g, "x", shapes.Make(dtypes.Float32, dims...)))
	}); e != nil {
		return nil, fmt.Errorf("layer.BuildVariables: building the graph: %v", e)
	}
	return store, nil
}
