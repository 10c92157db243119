// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic engine instance: reads the descriptor at run time. Used for formats parsed from a
 * text description and for any format without a specialised instance.
 */
#include "swmmu_engine.h"

SWMMU_ENGINE_INSTANCE(, swmmu_generic_ops, as->fmt);
