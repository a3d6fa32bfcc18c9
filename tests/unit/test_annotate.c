/* PLACEHOLDER: replaced by the real tests of src/annotate.c. */
#include <criterion/criterion.h>
Test(annotate, placeholder) { cr_assert(1); }
