/* Its only finding is in shared.h. */
#include "shared.h"

async(void) also(void) { return shared_drop(); }
