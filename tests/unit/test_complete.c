/* PLACEHOLDER: replaced by the real tests of src/complete.c. */
#include <criterion/criterion.h>
Test(complete, placeholder) { cr_assert(1); }
