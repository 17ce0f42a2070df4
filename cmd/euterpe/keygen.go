package main

import (
	"fmt"
	"io"

	"github.com/euterpe-dev/euterpe/tokencrypt"
)

func keygenCmd(stdout io.Writer) error {
	k, err := tokencrypt.GenerateKey()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, k)
	return err
}
