/* PLACEHOLDER: replaced by the real tests of src/sanitize.c. */
#include <criterion/criterion.h>
Test(sanitize, placeholder) { cr_assert(1); }
