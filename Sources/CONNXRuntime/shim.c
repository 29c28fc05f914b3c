#include "connxruntime.h"
