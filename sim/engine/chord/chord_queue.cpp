// Chord's event queue: the calendar queue of engine/core/ over ChordSimEvent, compiled once here.
#include "engine/chord/chord_simulation.hpp"
#include "engine/core/event_queue_impl.hpp"

namespace zonal::sim {

template class CalendarQueue<ChordSimEvent>;

}  // namespace zonal::sim
