/* PLACEHOLDER: replaced by the real tests of src/codes.c. */
#include <criterion/criterion.h>
Test(codes, placeholder) { cr_assert(1); }
