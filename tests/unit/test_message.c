/* PLACEHOLDER: replaced by the real tests of src/message.c. */
#include <criterion/criterion.h>
Test(message, placeholder) { cr_assert(1); }
