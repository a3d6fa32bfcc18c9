/* PLACEHOLDER: replaced by the real tests of src/script.c. */
#include <criterion/criterion.h>
Test(script, placeholder) { cr_assert(1); }
