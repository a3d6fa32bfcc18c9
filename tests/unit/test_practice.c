/* PLACEHOLDER: replaced by the real tests of src/practice.c. */
#include <criterion/criterion.h>
Test(practice, placeholder) { cr_assert(1); }
