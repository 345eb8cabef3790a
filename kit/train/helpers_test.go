package train

import (
	"os"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// unsetenv unsets key for the rest of the test; call t.Setenv(key, ...)
// first so that the testing package restores the old value.
func unsetenv(t *testing.T, key string) {
	t.Helper()
	if err := os.Unsetenv(key); err != nil {
		t.Fatal(err)
	}
}

func tensorsOf(data []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// TestMain clears $DENOISING_RETRAIN: the tests use temporary cache
// directories and set it themselves where they test it.
func TestMain(m *testing.M) {
	_ = os.Unsetenv(EnvRetrain)
	os.Exit(m.Run())
}
